package io.ferry.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.PeerId;
import io.ferry.engine.Manager;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selector;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Everything the HTTP API asks of a running node beyond the {@link Manager}: identity, peers, the
 * channels the read model lists (terminal ones included), purging, the local block store, voucher
 * decoding, readiness, and channel events read back from the journal.
 */
public interface NodeBackend {

  /**
   * A voucher or voucher result as JSON of its registered type (what its reasons say), or empty
   * when this node cannot decode it.
   */
  default Optional<JsonNode> voucherJson(io.ferry.channels.TypedVoucher voucher) {
    return Optional.empty();
  }

  /**
   * The bytes of the whole DAG under {@code root}, as its root block tells once it is in the local
   * store (the root's size plus its links' cumulative sizes); 0 when not known.
   */
  default long dagBytes(Cid root) {
    return 0;
  }

  /**
   * A warning when {@code channel} is Completed but its data is no longer whole in the local block
   * store ({@link StoredData#warning}); empty when it is, or when this node cannot tell.
   */
  default CompletionStage<Optional<String>> dataWarning(ChannelState channel) {
    return java.util.concurrent.CompletableFuture.completedFuture(Optional.empty());
  }

  /**
   * Empty once the node's channel listing is complete; until then (its read model still reading the
   * journal after a start), what it is doing. Listings answer 503 meanwhile.
   */
  default Optional<String> channelsCatchingUp() {
    return Optional.empty();
  }

  /** Completes once the channel listing is complete (fails when it cannot be). */
  default CompletionStage<Void> channelsCaughtUp() {
    return java.util.concurrent.CompletableFuture.completedFuture(null);
  }

  /** The node's data-transfer API. */
  Manager manager();

  /** This node's peer ID. */
  PeerId peerId();

  /** Multiaddrs peers can dial, each ending in {@code /p2p/<peer id>}. */
  List<String> listenAddresses();

  /**
   * Dials a peer (or reuses the connection) and remembers its address, so channels to it can be
   * opened; completes with the peer's authenticated ID.
   *
   * @param multiaddr {@code /ip4/HOST/tcp/PORT/p2p/PEERID} (or without {@code /p2p/} when the
   *     transport accepts it)
   */
  CompletionStage<PeerId> connect(String multiaddr);

  /**
   * The cluster as this node sees it, with what each member hosts; empty where there is no cluster
   * to show.
   */
  default CompletionStage<java.util.Optional<io.ferry.engine.cluster.ClusterView>> cluster() {
    return java.util.concurrent.CompletableFuture.completedFuture(java.util.Optional.empty());
  }

  /** The cluster member hosting {@code channel}; empty where there is no cluster to show. */
  default java.util.Optional<String> hostOf(io.ferry.channels.ChannelId channel) {
    return java.util.Optional.empty();
  }

  /** Peers this node knows, connected or not. */
  CompletionStage<List<PeerInfo>> peers();

  /** Every channel in the node's index, terminal ones included until retention purges them. */
  /** One channel's state ({@code GET /v1/channels/{id}}); by default its actor's answer. */
  default CompletionStage<ChannelState> channel(ChannelId channelId) {
    return manager().channelState(channelId);
  }

  CompletionStage<List<ChannelState>> channels();

  /**
   * The channels {@code keep} keeps ({@code GET /v1/channels} with filters), in no particular
   * order: the listing orders them itself, one page at a time.
   */
  default CompletionStage<List<ChannelState>> channels(
      java.util.function.Predicate<ChannelState> keep) {
    return channels().thenApply(all -> all.stream().filter(keep).toList());
  }

  /**
   * Removes a terminal channel: its journal, snapshots and index entry.
   *
   * @throws IllegalStateException (in the stage) when the channel is not terminal
   */
  CompletionStage<Void> purge(ChannelId channelId);

  /**
   * Imports a file or directory as UnixFS (or a CAR file) from this machine into the block store.
   *
   * @param profile the UnixFS profile name; empty for the default
   * @param hidden whether hidden entries of a directory are imported too
   */
  CompletionStage<ImportResult> importFile(
      Path path, boolean car, Optional<String> profile, boolean hidden);

  /**
   * Follows a UnixFS path ({@code a/b}) from {@code root} through plain and HAMT directories in the
   * block store; fails with {@link io.ferry.ipld.unixfs.UnixFsPaths.NotFoundException} when an
   * entry is missing.
   */
  default CompletionStage<Cid> resolve(Cid root, String path) {
    return java.util.concurrent.CompletableFuture.failedFuture(
        new UnsupportedOperationException("this node does not resolve paths"));
  }

  /**
   * Fetches the DAG under {@code root} from the trustless gateway at {@code gateway} into the block
   * store (see {@link io.ferry.server.fetch.GatewayFetch}).
   */
  default CompletionStage<io.ferry.server.fetch.GatewayFetch.Progress> fetch(
      java.net.URI gateway, Cid root, io.ferry.server.fetch.GatewayFetch.Scope scope) {
    return java.util.concurrent.CompletableFuture.failedFuture(
        new UnsupportedOperationException("this node does not fetch from gateways"));
  }

  /** The gateway fetches this node ran, oldest first (none by default). */
  default List<io.ferry.server.fetch.FetchRecords.FetchRecord> fetches() {
    return List.of();
  }

  /** Each fetch record as it starts, progresses and ends, while the stream is consumed. */
  default Source<io.ferry.server.fetch.FetchRecords.FetchRecord, NotUsed> fetchEvents() {
    return Source.empty();
  }

  /** Writes the DAG under {@code root} to a file (or a CAR file) on this machine. */
  CompletionStage<ExportResult> export(Cid root, Selector selector, Path out, boolean car);

  /**
   * Turns a voucher given as JSON into the Java object of its registered type, ready for the
   * Manager.
   *
   * @throws IllegalArgumentException when the type is unknown or the JSON does not fit it, saying
   *     which
   */
  Object voucher(String type, JsonNode value);

  /**
   * What this node paid for a channel: present for a paid pull this node opened and began paying
   * for; empty for any other channel, and on a node without a payment budget.
   */
  default Optional<PaymentsView> payments(ChannelId channelId) {
    return Optional.empty();
  }

  /** The node's payment budget; empty when it pays for nothing ({@code ferry.payments.budget}). */
  default Optional<PaymentsView.Budget> paymentBudget() {
    return Optional.empty();
  }

  /** Whether the node's parts are ready, each with a word on why not. */
  Readiness readiness();

  /**
   * Channel events as the journal holds them, from the one after {@code afterOffset} on (0: from
   * the first), in journal order. With {@code live} the stream continues with new events; without
   * it, it completes at the current end.
   */
  Source<JournalEvent, NotUsed> journalEvents(long afterOffset, boolean live);

  /**
   * The offset of the last channel event journaled as far as this node knows now (0: none yet):
   * where a stream asked for events "from now" ({@code /v1/events?after=now}) starts.
   */
  long eventsEnd();

  /**
   * The events of the node's channels as they publish them, when every channel runs on this node
   * (not in a cluster); event streams follow them instead of the journal.
   */
  default Optional<io.ferry.engine.wiring.EventHub> localEvents() {
    return Optional.empty();
  }

  /**
   * One peer as the node sees it.
   *
   * @param peerId the peer's ID
   * @param addresses multiaddrs known for it
   * @param connected whether a connection is up now
   * @param channels channels with it in the node's index
   */
  record PeerInfo(PeerId peerId, List<String> addresses, boolean connected, int channels) {}

  /**
   * What an import produced.
   *
   * @param root the root CID of the imported DAG
   * @param blocks blocks written
   * @param bytes bytes of block data written
   */
  record ImportResult(Cid root, long blocks, long bytes) {}

  /**
   * What an export wrote.
   *
   * @param path where
   * @param blocks blocks read
   * @param bytes bytes written to the file
   */
  record ExportResult(Path path, long blocks, long bytes) {}

  /**
   * Readiness of the node's parts.
   *
   * @param parts each part (e.g. {@code actor-system}, {@code journal}, {@code transport}) and
   *     whether it is ready
   * @param detail for parts that are not ready, why; may be empty
   */
  record Readiness(Map<String, Boolean> parts, Map<String, String> detail) {
    public Readiness {
      parts = Map.copyOf(parts);
      detail = Map.copyOf(detail);
    }

    /** Whether every part is ready. */
    public boolean ready() {
      return parts.values().stream().allMatch(b -> b);
    }
  }

  /**
   * A channel event read from the journal.
   *
   * @param offset position under the event tag: the SSE event ID, strictly increasing
   * @param channelId the channel it belongs to
   * @param event what happened
   * @param status the channel's status right after the event, when the journal event says it
   */
  record JournalEvent(
      long offset,
      ChannelId channelId,
      io.ferry.channels.ChannelEvent event,
      Optional<io.ferry.channels.Status> status) {}
}
