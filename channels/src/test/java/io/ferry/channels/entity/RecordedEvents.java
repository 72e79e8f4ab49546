package io.ferry.channels.entity;

import io.ferry.channels.ChannelEvent;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.EventCode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** A listener that remembers every published event, for assertions. */
final class RecordedEvents implements ChannelListener {
  record Seen(ChannelEvent event, ChannelState state) {}

  final List<Seen> seen = new CopyOnWriteArrayList<>();
  final List<ChannelId> ended = new CopyOnWriteArrayList<>();

  @Override
  public CompletionStage<Void> register(ChannelId channelId) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void published(ChannelEvent event, ChannelState state) {
    seen.add(new Seen(event, state));
  }

  @Override
  public void ended(ChannelId channelId) {
    ended.add(channelId);
  }

  List<EventCode> codes(ChannelId id) {
    return seen.stream()
        .filter(s -> s.state().channelId().equals(id))
        .map(s -> s.event().code())
        .collect(Collectors.toList());
  }
}
