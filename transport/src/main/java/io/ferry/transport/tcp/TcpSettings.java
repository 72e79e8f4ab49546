package io.ferry.transport.tcp;

import io.ferry.channels.PeerId;
import io.ferry.transport.identity.Multiaddr;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * How a {@link TcpTransport} behaves. Sizes are bytes; a zero limit or rate means none.
 *
 * @param listen where to accept connections (port 0 picks a free port), or null for none
 * @param peers addresses of known peers (each with its /p2p/ ID), dialed when needed
 * @param allowedPeers the only peers this node talks to; empty admits everyone
 * @param maxFrameSize the largest frame accepted from a peer (kind byte and payload)
 * @param channelWindow credit a receiving channel grants its sender at most
 * @param inFlightPerPeer bytes granted but not yet stored, per peer (receiving)
 * @param inFlightTotal the same over all peers
 * @param sendingChannelsPerPeer channels sending to one peer at once; more are queued
 * @param sendingChannelsTotal channels sending at once in total; more are queued
 * @param maxBlocksPerChannel the most blocks one channel may move (0: no limit)
 * @param maxBytesPerChannel the most bytes one channel may move (0: no limit)
 * @param uploadRate bytes/s sent over all peers (0: unlimited)
 * @param downloadRate bytes/s received over all peers (0: unlimited)
 * @param uploadRatePerPeer bytes/s sent to one peer (0: unlimited)
 * @param downloadRatePerPeer bytes/s received from one peer (0: unlimited)
 * @param connectTimeout how long a dial (TCP and TLS) may take
 * @param keepAliveInterval a ping is sent after this long without outgoing frames
 * @param idleTimeout a connection with no incoming frame for this long is dead
 * @param reconnectMinBackoff first delay before redialing a lost peer; doubles per attempt
 * @param reconnectMaxBackoff the longest delay between redials
 * @param progressBlocks progress is reported at least every this many blocks
 * @param progressBytes ... or every this many bytes
 * @param progressInterval ... or this long after the first unreported block
 * @param hashThreads threads verifying received blocks (off the network threads)
 * @param openChannelsPerPeer channels one peer may have asked this node for and not ended yet; its
 *     requests beyond are refused
 * @param openChannelsTotal the same over all peers
 * @param memoryBudget heap bytes channels may hold in total ({@link
 *     io.ferry.transport.tcp.flow.MemoryBudget}); at least 16 MiB
 * @param memoryPerAddress the part of the budget's share for channels that the open channels of one
 *     network address, and of one peer, may reserve (above 0, at most 1)
 * @param dialFrom the local IP address this node dials peers from, or null for the one the system
 *     picks
 * @param revision the protocol revision this node announces in its handshake and whose frames it
 *     takes ({@link io.ferry.transport.tcp.frame.FrameCodec#REVISION}; lower only to speak as an
 *     older node does)
 */
public record TcpSettings(
    Multiaddr listen,
    List<Multiaddr> peers,
    Set<PeerId> allowedPeers,
    int maxFrameSize,
    long channelWindow,
    long inFlightPerPeer,
    long inFlightTotal,
    int sendingChannelsPerPeer,
    int sendingChannelsTotal,
    long maxBlocksPerChannel,
    long maxBytesPerChannel,
    long uploadRate,
    long downloadRate,
    long uploadRatePerPeer,
    long downloadRatePerPeer,
    Duration connectTimeout,
    Duration keepAliveInterval,
    Duration idleTimeout,
    Duration reconnectMinBackoff,
    Duration reconnectMaxBackoff,
    int progressBlocks,
    long progressBytes,
    Duration progressInterval,
    int hashThreads,
    int openChannelsPerPeer,
    int openChannelsTotal,
    long memoryBudget,
    int revision,
    double memoryPerAddress,
    String dialFrom) {

  public TcpSettings {
    peers = List.copyOf(peers);
    allowedPeers = Set.copyOf(allowedPeers);
    for (Multiaddr p : peers) {
      if (p.peer() == null) {
        throw new IllegalArgumentException("known peer address " + p + " lacks its /p2p/ ID");
      }
    }
    if (maxFrameSize < 64 * 1024) {
      throw new IllegalArgumentException("maximum frame size " + maxFrameSize + " is below 64 KiB");
    }
    positive("channel window", channelWindow);
    positive("in-flight bytes per peer", inFlightPerPeer);
    positive("in-flight bytes total", inFlightTotal);
    positive("sending channels per peer", sendingChannelsPerPeer);
    positive("open channels per peer", openChannelsPerPeer);
    positive("open channels total", openChannelsTotal);
    positive("sending channels total", sendingChannelsTotal);
    positive("hash threads", hashThreads);
    if (revision < 1 || revision > io.ferry.transport.tcp.frame.FrameCodec.REVISION) {
      throw new IllegalArgumentException(
          "revision must be between 1 and "
              + io.ferry.transport.tcp.frame.FrameCodec.REVISION
              + ", was "
              + revision);
    }
    if (memoryBudget < io.ferry.transport.tcp.flow.MemoryBudget.MINIMUM) {
      throw new IllegalArgumentException(
          "memory budget must be at least 16 MiB, was " + memoryBudget + " bytes");
    }
    if (!(memoryPerAddress > 0 && memoryPerAddress <= 1)) {
      throw new IllegalArgumentException(
          "the memory share per address must be above 0% and at most 100%, was "
              + memoryPerAddress * 100
              + "%");
    }
    dialFrom = dialFrom == null || dialFrom.isBlank() ? null : dialFrom.strip();
    positive("progress blocks", progressBlocks);
    positive("progress bytes", progressBytes);
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (idleTimeout.compareTo(keepAliveInterval) <= 0) {
      throw new IllegalArgumentException(
          "idle timeout "
              + idleTimeout
              + " must exceed the keep-alive interval "
              + keepAliveInterval);
    }
  }

  private static void positive(String what, long v) {
    if (v <= 0) {
      throw new IllegalArgumentException(what + " must be positive, was " + v);
    }
  }

  /**
   * The defaults: listen on {@code listen}; frames up to 4 MiB; 8 MiB window per channel, 16 MiB in
   * flight per peer, 256 MiB in total; 6 sending channels per peer and 64 in total (go-graphsync
   * runs 6 requests at once); 32 channels open per peer that asked for them and 512 in total; no
   * rate limits; 10 s to connect, a ping after 10 s of silence, dead after 30 s; redial from 250 ms
   * doubling to 30 s; progress every 64 blocks, 8 MiB or 250 ms; a memory budget of half the JVM's
   * maximum heap (at least 16 MiB).
   */
  public static TcpSettings defaults(Multiaddr listen) {
    return new TcpSettings(
        listen,
        List.of(),
        Set.of(),
        4 << 20,
        8L << 20,
        16L << 20,
        256L << 20,
        6,
        64,
        0,
        0,
        0,
        0,
        0,
        0,
        Duration.ofSeconds(10),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofMillis(250),
        Duration.ofSeconds(30),
        64,
        8L << 20,
        Duration.ofMillis(250),
        Math.max(1, Runtime.getRuntime().availableProcessors()),
        32,
        512,
        Math.max(16L << 20, io.ferry.transport.tcp.flow.MemoryBudget.ofHeap(0.5)),
        io.ferry.transport.tcp.frame.FrameCodec.REVISION,
        io.ferry.transport.tcp.flow.MemoryBudget.SHARE_PER_ADDRESS,
        null);
  }

  public TcpSettings withPeers(List<Multiaddr> peers) {
    return copy(d -> d.peers = peers);
  }

  public TcpSettings withAllowedPeers(Set<PeerId> allowedPeers) {
    return copy(d -> d.allowedPeers = allowedPeers);
  }

  public TcpSettings withSendingChannels(int perPeer, int total) {
    return copy(
        d -> {
          d.sendingChannelsPerPeer = perPeer;
          d.sendingChannelsTotal = total;
        });
  }

  /** Channels peers may have open with this node at once (their requests beyond are refused). */
  public TcpSettings withOpenChannels(int perPeer, int total) {
    return copy(
        d -> {
          d.openChannelsPerPeer = perPeer;
          d.openChannelsTotal = total;
        });
  }

  public TcpSettings withChannelLimits(long maxBlocks, long maxBytes) {
    return copy(
        d -> {
          d.maxBlocksPerChannel = maxBlocks;
          d.maxBytesPerChannel = maxBytes;
        });
  }

  public TcpSettings withRates(
      long upload, long download, long uploadPerPeer, long downloadPerPeer) {
    return copy(
        d -> {
          d.uploadRate = upload;
          d.downloadRate = download;
          d.uploadRatePerPeer = uploadPerPeer;
          d.downloadRatePerPeer = downloadPerPeer;
        });
  }

  public TcpSettings withFlow(long channelWindow, long inFlightPerPeer, long inFlightTotal) {
    return copy(
        d -> {
          d.channelWindow = channelWindow;
          d.inFlightPerPeer = inFlightPerPeer;
          d.inFlightTotal = inFlightTotal;
        });
  }

  /**
   * Heap bytes channels may hold in total (see {@link io.ferry.transport.tcp.flow.MemoryBudget}).
   */
  public TcpSettings withMemoryBudget(long bytes) {
    return copy(d -> d.memoryBudget = bytes);
  }

  /**
   * The part of the memory budget's share for channels one address (and one peer) may reserve; see
   * {@link io.ferry.transport.tcp.flow.MemoryBudget#share()}.
   */
  public TcpSettings withMemoryPerAddress(double share) {
    return copy(d -> d.memoryPerAddress = share);
  }

  /** Dials peers from local IP address {@code host} (null: the one the system picks). */
  public TcpSettings withDialFrom(String host) {
    return copy(d -> d.dialFrom = host);
  }

  /** Speaks protocol revision {@code revision} (an older one: as a node of that revision does). */
  public TcpSettings withRevision(int revision) {
    return copy(d -> d.revision = revision);
  }

  public TcpSettings withLiveness(Duration keepAlive, Duration idle, Duration minBackoff) {
    return copy(
        d -> {
          d.keepAliveInterval = keepAlive;
          d.idleTimeout = idle;
          d.reconnectMinBackoff = minBackoff;
        });
  }

  /** These settings with the changes {@code edit} makes to a mutable copy (validated again). */
  private TcpSettings copy(Consumer<Draft> edit) {
    Draft d = new Draft(this);
    edit.accept(d);
    return d.build();
  }

  /** A mutable copy of every component, so each {@code with...} names only what it changes. */
  private static final class Draft {
    private Multiaddr listen;
    private List<Multiaddr> peers;
    private Set<PeerId> allowedPeers;
    private int maxFrameSize;
    private long channelWindow;
    private long inFlightPerPeer;
    private long inFlightTotal;
    private int sendingChannelsPerPeer;
    private int sendingChannelsTotal;
    private long maxBlocksPerChannel;
    private long maxBytesPerChannel;
    private long uploadRate;
    private long downloadRate;
    private long uploadRatePerPeer;
    private long downloadRatePerPeer;
    private Duration connectTimeout;
    private Duration keepAliveInterval;
    private Duration idleTimeout;
    private Duration reconnectMinBackoff;
    private Duration reconnectMaxBackoff;
    private int progressBlocks;
    private long progressBytes;
    private Duration progressInterval;
    private int hashThreads;
    private int openChannelsPerPeer;
    private int openChannelsTotal;
    private long memoryBudget;
    private int revision;
    private double memoryPerAddress;
    private String dialFrom;

    Draft(TcpSettings s) {
      listen = s.listen;
      peers = s.peers;
      allowedPeers = s.allowedPeers;
      maxFrameSize = s.maxFrameSize;
      channelWindow = s.channelWindow;
      inFlightPerPeer = s.inFlightPerPeer;
      inFlightTotal = s.inFlightTotal;
      sendingChannelsPerPeer = s.sendingChannelsPerPeer;
      sendingChannelsTotal = s.sendingChannelsTotal;
      maxBlocksPerChannel = s.maxBlocksPerChannel;
      maxBytesPerChannel = s.maxBytesPerChannel;
      uploadRate = s.uploadRate;
      downloadRate = s.downloadRate;
      uploadRatePerPeer = s.uploadRatePerPeer;
      downloadRatePerPeer = s.downloadRatePerPeer;
      connectTimeout = s.connectTimeout;
      keepAliveInterval = s.keepAliveInterval;
      idleTimeout = s.idleTimeout;
      reconnectMinBackoff = s.reconnectMinBackoff;
      reconnectMaxBackoff = s.reconnectMaxBackoff;
      progressBlocks = s.progressBlocks;
      progressBytes = s.progressBytes;
      progressInterval = s.progressInterval;
      hashThreads = s.hashThreads;
      openChannelsPerPeer = s.openChannelsPerPeer;
      openChannelsTotal = s.openChannelsTotal;
      memoryBudget = s.memoryBudget;
      revision = s.revision;
      memoryPerAddress = s.memoryPerAddress;
      dialFrom = s.dialFrom;
    }

    TcpSettings build() {
      return new TcpSettings(
          listen,
          peers,
          allowedPeers,
          maxFrameSize,
          channelWindow,
          inFlightPerPeer,
          inFlightTotal,
          sendingChannelsPerPeer,
          sendingChannelsTotal,
          maxBlocksPerChannel,
          maxBytesPerChannel,
          uploadRate,
          downloadRate,
          uploadRatePerPeer,
          downloadRatePerPeer,
          connectTimeout,
          keepAliveInterval,
          idleTimeout,
          reconnectMinBackoff,
          reconnectMaxBackoff,
          progressBlocks,
          progressBytes,
          progressInterval,
          hashThreads,
          openChannelsPerPeer,
          openChannelsTotal,
          memoryBudget,
          revision,
          memoryPerAddress,
          dialFrom);
    }
  }
}
