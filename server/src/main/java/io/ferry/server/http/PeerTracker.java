package io.ferry.server.http;

import io.ferry.channels.PeerId;
import io.ferry.channels.wire.DataTransport;
import io.ferry.channels.wire.TransportHandler;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which peers are connected, as the transport reports it. {@link #watch} wraps a transport so that
 * the handler the node binds to it is wrapped in turn: every call still reaches the node's handler
 * unchanged (all of {@link TransportHandler}'s methods, present and future, are forwarded), and
 * connects and disconnects are noted here on the way.
 */
public final class PeerTracker {
  private final Map<PeerId, Boolean> connected = new ConcurrentHashMap<>();

  /** {@code transport}, with its handler observed. */
  public DataTransport watch(DataTransport transport) {
    InvocationHandler h =
        (proxy, method, args) -> {
          if (method.getName().equals("bind")
              && args != null
              && args.length == 1
              && args[0] instanceof TransportHandler handler) {
            return forward(transport, method, new Object[] {observe(handler)});
          }
          return forward(transport, method, args);
        };
    return (DataTransport)
        Proxy.newProxyInstance(
            DataTransport.class.getClassLoader(), new Class<?>[] {DataTransport.class}, h);
  }

  private TransportHandler observe(TransportHandler handler) {
    InvocationHandler h =
        (proxy, method, args) -> {
          if (method.getName().equals("onPeerConnected") && args != null) {
            connected.put((PeerId) args[0], true);
          } else if (method.getName().equals("onPeerDisconnected") && args != null) {
            connected.put((PeerId) args[0], false);
          }
          return forward(handler, method, args);
        };
    return (TransportHandler)
        Proxy.newProxyInstance(
            TransportHandler.class.getClassLoader(), new Class<?>[] {TransportHandler.class}, h);
  }

  private static Object forward(Object target, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "equals" -> args[0] == target;
        case "hashCode" -> System.identityHashCode(target);
        default -> "watched " + target;
      };
    }
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** Whether the last word from the transport about {@code peer} was that it connected. */
  public boolean isConnected(PeerId peer) {
    return connected.getOrDefault(peer, false);
  }

  /** Every peer the transport has reported on. */
  public Set<PeerId> known() {
    return Set.copyOf(connected.keySet());
  }
}
