package io.ferry.channels.entity;

import io.ferry.channels.PeerId;
import io.ferry.channels.validation.Validation;
import io.ferry.channels.wire.DataTransport;
import java.util.Objects;

/**
 * Everything a channel actor works with besides its own state: who this node is, the transport, the
 * validator registry, the node's listener and the timeouts.
 */
public record ChannelEnvironment(
    PeerId self,
    DataTransport transport,
    Validation validation,
    ChannelListener listener,
    ChannelSettings settings) {
  public ChannelEnvironment {
    Objects.requireNonNull(self, "self");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(validation, "validation");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(settings, "settings");
  }
}
