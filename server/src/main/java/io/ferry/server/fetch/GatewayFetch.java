package io.ferry.server.fetch;

import io.ferry.ipld.Block;
import io.ferry.ipld.BlockVerificationException;
import io.ferry.ipld.Cid;
import io.ferry.ipld.car.CarReader;
import io.ferry.ipld.codec.CodecException;
import io.ferry.ipld.codec.Codecs;
import io.ferry.ipld.selector.Selector;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.traversal.Traversal;
import io.ferry.ipld.traversal.UnexpectedBlockException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Fetches a DAG from a trustless gateway into a block store. The traversal of the whole DAG runs
 * over the blocks already held; at the first missing block it asks the gateway for that block's
 * sub-DAG as a CAR, and checks each arriving block against its CID and against the DAG (it must be
 * linked from a block verified before it) before storing it, in batches. A stream that breaks keeps
 * what was verified, and the next request asks for the new first missing block only; a CAR that
 * brings nothing is replaced by that one block as {@code ?format=raw}. So a fetch run again after
 * an interruption, even in a new process, asks only for what is missing.
 */
public final class GatewayFetch {
  /** What to fetch under the root: the whole DAG, or the root block alone. */
  public enum Scope {
    ALL(Selectors.all()),
    BLOCK(Selectors.root());

    private final Selector selector;

    Scope(Selector selector) {
      this.selector = selector;
    }

    /** The {@code dag-scope} parameter's value. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** {@code all} or {@code block}. */
    public static Scope parse(String word) {
      for (Scope s : values()) {
        if (s.word().equals(word)) {
          return s;
        }
      }
      throw new IllegalArgumentException(
          "unknown selector '" + word + "': a gateway fetch takes all or block");
    }
  }

  /** How far a fetch is: blocks and bytes stored so far, requests made. */
  public record Progress(
      long blocksHeld, long blocksFetched, long bytesFetched, int carRequests, int rawRequests) {}

  /** Told of progress after each stored batch and each request. */
  public interface Listener {
    void progress(Progress progress);
  }

  private static final int MAX_REQUESTS_WITHOUT_PROGRESS = 3;
  private static final long BATCH_BYTES = 1 << 20;

  private final BlockStore store;
  private final GatewayClient gateway;
  private long blocksHeld;
  private long blocksFetched;
  private long bytesFetched;
  private int carRequests;
  private int rawRequests;

  /** A fetch from the gateway at {@code gateway} (e.g. {@code http://127.0.0.1:8080}). */
  public GatewayFetch(BlockStore store, URI gateway, Duration timeout) {
    this.store = store;
    this.gateway = new GatewayClient(gateway, timeout);
  }

  /**
   * Fetches what is missing of {@code root}'s DAG ({@code scope}); returns the final progress.
   *
   * @throws IOException naming the gateway and the block it could not deliver, after {@value
   *     #MAX_REQUESTS_WITHOUT_PROGRESS} requests in a row brought nothing
   */
  public Progress fetch(Cid root, Scope scope, Listener listener)
      throws IOException, InterruptedException {
    Traversal full = Traversal.start(root, scope.selector);
    int fruitless = 0;
    IOException last = null;
    while (true) {
      Optional<Cid> missing = advanceOverHeld(full);
      if (missing.isEmpty()) {
        listener.progress(progress());
        return progress();
      }
      long before = blocksFetched;
      try {
        carRequests++;
        streamCar(missing.get(), scope);
      } catch (IOException e) {
        last = e;
      }
      if (blocksFetched == before && !store.has(missing.get())) {
        try {
          rawRequests++;
          Block block = gateway.raw(missing.get());
          store.put(block);
          blocksFetched++;
          bytesFetched += block.size();
        } catch (IOException e) {
          last = e;
        }
      }
      listener.progress(progress());
      fruitless = blocksFetched == before ? fruitless + 1 : 0;
      if (fruitless >= MAX_REQUESTS_WITHOUT_PROGRESS) {
        throw new IOException(
            "gateway "
                + gateway.base()
                + " did not deliver block "
                + missing.get()
                + " of "
                + root
                + (last == null ? "" : ": " + last.getMessage()),
            last);
      }
    }
  }

  private Progress progress() {
    return new Progress(blocksHeld, blocksFetched, bytesFetched, carRequests, rawRequests);
  }

  /** Moves {@code t} over every block already held; the first missing one, if any. */
  private Optional<Cid> advanceOverHeld(Traversal t) {
    while (true) {
      Optional<Cid> next = t.expectedNext();
      if (next.isEmpty()) {
        return next;
      }
      Optional<Block> held = store.get(next.get());
      if (held.isEmpty()) {
        return next;
      }
      advance(t, held.get());
      blocksHeld = t.index();
    }
  }

  /**
   * One CAR request for the sub-DAG under {@code cid}; verified blocks are stored as they come. A
   * block is accepted only when a block already verified in this answer links to it (the root
   * first), whatever order the gateway sends them in ({@code order=dfs} or {@code unk}, with or
   * without duplicates): so every stored block is proven part of the DAG, and the traversal over
   * the held blocks then says what is still missing.
   */
  private void streamCar(Cid cid, Scope scope) throws IOException, InterruptedException {
    Set<Cid> wanted = new HashSet<>(Set.of(cid));
    Set<Cid> seen = new HashSet<>();
    Map<Cid, Block> batch = new LinkedHashMap<>();
    long batchBytes = 0;
    try (InputStream in = gateway.car(cid, scope.word());
        CarReader car = CarReader.open(in)) {
      if (!car.roots().contains(cid)) {
        throw new GatewayClient.GatewayException(
            "gateway " + gateway.base() + " answered for " + cid + " with roots " + car.roots());
      }
      Optional<Block> next;
      while ((next = car.next()).isPresent()) {
        Block block = next.get();
        if (!seen.add(block.cid())) {
          continue;
        }
        if (!wanted.remove(block.cid())) {
          throw new GatewayClient.GatewayException(
              "gateway "
                  + gateway.base()
                  + " sent block "
                  + block.cid()
                  + ", which no block of "
                  + cid
                  + " received so far links to");
        }
        if (scope == Scope.ALL) {
          try {
            for (Cid link : Codecs.decode(block).links()) {
              if (!seen.contains(link)) {
                wanted.add(link);
              }
            }
          } catch (CodecException e) {
            throw new GatewayClient.GatewayException(
                "gateway " + gateway.base() + " sent an undecodable block: " + e.getMessage());
          }
        }
        if (!batch.containsKey(block.cid()) && !store.has(block.cid())) {
          batch.put(block.cid(), block);
          batchBytes += block.size();
          if (batchBytes >= BATCH_BYTES) {
            flush(batch);
            batchBytes = 0;
          }
        }
      }
    } catch (BlockVerificationException e) {
      throw new GatewayClient.GatewayException(
          "gateway "
              + gateway.base()
              + " sent a block that does not match its CID: "
              + e.getMessage());
    } finally {
      flush(batch);
    }
  }

  private void flush(Map<Cid, Block> batch) {
    if (batch.isEmpty()) {
      return;
    }
    store.putAll(new ArrayList<>(batch.values()));
    for (Block b : batch.values()) {
      blocksFetched++;
      bytesFetched += b.size();
    }
    batch.clear();
  }

  private static void advance(Traversal t, Block held) {
    try {
      t.advance(held);
    } catch (UnexpectedBlockException e) {
      throw new IllegalStateException("held block is not the expected one: " + e.getMessage(), e);
    }
  }
}
