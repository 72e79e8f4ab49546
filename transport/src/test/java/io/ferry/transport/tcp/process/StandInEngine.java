package io.ferry.transport.tcp.process;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.DataRequest;
import io.ferry.channels.wire.MessageType;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.channels.wire.TransferResponse;
import io.ferry.channels.wire.TransportHandler;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selector;
import io.ferry.ipld.selector.Selectors;
import io.ferry.transport.tcp.TcpTransport;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The least a channel engine must do for two transports to move a DAG: the initiator opens its side
 * and sends a request; the responder opens the other side and answers; a push's initiator starts
 * sending once the answer says how much the receiver holds. Every transport event is printed as a
 * line on standard output for the test to read.
 */
final class StandInEngine implements TransportHandler {
  private static final String ECHO = "echo";

  private final PrintStream out;
  private TcpTransport transport;
  private final Map<Long, ChannelId> initiated = new ConcurrentHashMap<>();
  private final Map<Long, Cid> roots = new ConcurrentHashMap<>();

  StandInEngine(PrintStream out) {
    this.out = out;
  }

  void attach(TcpTransport transport) {
    this.transport = transport;
    transport.bind(this);
  }

  private synchronized void print(String line) {
    out.println(line);
    out.flush();
  }

  ChannelId channel(long transferId) {
    ChannelId id = initiated.get(transferId);
    if (id == null) {
      throw new IllegalArgumentException("no channel " + transferId + " initiated here");
    }
    return id;
  }

  /** Opens our receiving side, then asks {@code provider} for the DAG (a restart if asked). */
  void pull(PeerId provider, Cid root, long transferId, boolean restart) throws Exception {
    ChannelId id = new ChannelId(transport.self(), provider, transferId);
    initiated.put(transferId, id);
    long held =
        transport
            .openReceive(DataRequest.of(id, provider, root, Selectors.all()))
            .toCompletableFuture()
            .get();
    TransferRequest request =
        restart
            ? TransferRequest.restart(transferId, true, root, Selectors.all(), null, held)
            : TransferRequest.open(transferId, true, root, Selectors.all(), null);
    transport.send(provider, request).toCompletableFuture().get();
    print("pulling " + transferId + " " + held);
  }

  /** Asks {@code receiver} to take the DAG; sending starts when it answers. */
  void push(PeerId receiver, Cid root, long transferId) throws Exception {
    initiated.put(transferId, new ChannelId(transport.self(), receiver, transferId));
    roots.put(transferId, root);
    transport
        .send(receiver, TransferRequest.open(transferId, false, root, Selectors.all(), null))
        .toCompletableFuture()
        .get();
    print("pushing " + transferId);
  }

  void roundTrip(PeerId peer, long n) throws Exception {
    TypedVoucher v = new TypedVoucher(ECHO, new byte[0]);
    transport.send(peer, TransferRequest.voucher(n, v)).toCompletableFuture().get();
  }

  @Override
  public void onMessage(PeerId from, TransferMessage message) {
    try {
      if (message instanceof TransferRequest r) {
        onRequest(from, r);
      } else {
        onResponse(from, (TransferResponse) message);
      }
    } catch (Exception e) {
      print("error " + e.getMessage());
    }
  }

  private void onRequest(PeerId from, TransferRequest r) {
    ChannelId id = new ChannelId(from, transport.self(), r.transferId());
    switch (r.type()) {
      case NEW, RESTART -> {
        MessageType type = r.type();
        Selector selector = r.selector();
        if (r.pull()) {
          transport.openSend(
              DataRequest.of(id, from, r.baseCid(), selector)
                  .withStartIndex(r.receivedBlocks())
                  .withCountedBlocks(r.receivedBlocks()),
              new TransferResponse(type, r.transferId(), true, false, null, 0, ""));
        } else {
          // Never block a transport callback: answer once the receiving side is open.
          transport
              .openReceive(DataRequest.of(id, from, r.baseCid(), selector))
              .thenAccept(
                  held ->
                      transport.send(
                          from,
                          new TransferResponse(type, r.transferId(), true, false, null, held, "")));
        }
        print("responding " + r.transferId() + " " + (r.pull() ? "send" : "receive"));
      }
      case VOUCHER -> {
        if (r.voucher() != null && ECHO.equals(r.voucher().type())) {
          transport.send(
              from,
              new TransferResponse(
                  MessageType.VOUCHER_RESULT, r.transferId(), true, false, null, 0, ""));
        }
      }
      case CANCEL -> transport.close(id);
      default -> print("ignored " + r.type());
    }
  }

  private void onResponse(PeerId from, TransferResponse r) {
    if (r.type() == MessageType.VOUCHER_RESULT) {
      print("echoed " + r.transferId());
      return;
    }
    Cid root = roots.get(r.transferId());
    if (root != null
        && r.accepted()
        && (r.type() == MessageType.NEW || r.type() == MessageType.RESTART)) {
      ChannelId id = new ChannelId(transport.self(), from, r.transferId());
      transport.openSend(
          DataRequest.of(id, from, root, Selectors.all())
              .withStartIndex(r.receivedBlocks())
              .withCountedBlocks(r.receivedBlocks()),
          null);
    }
  }

  @Override
  public void onProgress(ChannelId id, DataProgress p) {
    print(
        "progress "
            + id.transferId()
            + " "
            + p.direction()
            + " "
            + p.blocks()
            + " "
            + p.bytes()
            + " "
            + p.nextIndex());
  }

  @Override
  public void onDataLimitReached(ChannelId id, long bytesQueued) {
    print("limit " + id.transferId() + " " + bytesQueued);
  }

  @Override
  public void onDataFinished(ChannelId id, boolean sender, String error) {
    print(
        "finished "
            + id.transferId()
            + " "
            + (sender ? "sender" : "receiver")
            + " "
            + (error == null ? "ok" : error));
  }

  @Override
  public void onChannelQueued(ChannelId id, String reason) {
    print("queued " + id.transferId());
  }

  @Override
  public void onPeerConnected(PeerId peer) {
    print("peer-connected " + peer);
  }

  @Override
  public void onPeerDisconnected(PeerId peer, String reason) {
    print("peer-disconnected " + peer + " " + reason);
  }
}
