package io.ferry.transport.tcp.tls;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import org.apache.pekko.util.ByteString;

/**
 * A {@link TlsStage}'s application bytes on their way out: queued as they arrive, then encrypted
 * together, up to {@link TlsStage#MAX_WRAP} bytes at a time, into one element for the network.
 */
final class PendingPlaintext {
  private final ArrayDeque<ByteString> queue = new ArrayDeque<>();
  private long bytes;
  private byte[] wrapped = new byte[0];

  /** Queues {@code plaintext} behind what is pending. */
  void add(ByteString plaintext) {
    if (!plaintext.isEmpty()) {
      queue.add(plaintext);
      bytes += plaintext.size();
    }
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /** Plaintext bytes queued. */
  long bytes() {
    return bytes;
  }

  /** Drops everything queued (the network takes nothing more). */
  void clear() {
    queue.clear();
    bytes = 0;
  }

  /**
   * Encrypts what is queued, up to {@link TlsStage#MAX_WRAP} bytes, with {@code engine} (handing
   * each result to {@code afterOperation}) and drops what the engine consumed. Returns the
   * ciphertext as one element, or null if the engine produced none.
   */
  ByteString wrap(SSLEngine engine, Consumer<SSLEngineResult> afterOperation) throws SSLException {
    int take = (int) Math.min(bytes, TlsStage.MAX_WRAP);
    int packet = engine.getSession().getPacketBufferSize();
    int need = take + (take / 16384 + 2) * 256 + packet;
    if (wrapped.length < need) {
      wrapped = new byte[need];
    }
    ByteBuffer dst = ByteBuffer.wrap(wrapped);
    List<ByteBuffer> parts = new ArrayList<>();
    for (ByteString b : queue) {
      b.getByteBuffers().forEach(parts::add);
    }
    ByteBuffer[] srcs = parts.toArray(ByteBuffer[]::new);
    long consumed = 0;
    while (consumed < take && dst.remaining() >= packet) {
      SSLEngineResult r = engine.wrap(srcs, dst);
      consumed += r.bytesConsumed();
      afterOperation.accept(r);
      if (r.getStatus() != Status.OK || r.bytesConsumed() == 0) {
        break;
      }
    }
    drop(consumed);
    // one copy out of the reused buffer: a new array per write would be zeroed first, which costs
    // as much (docs/benchmarks.md, arrays without zeroing)
    return dst.position() > 0
        ? ByteString.fromArrayUnsafe(Arrays.copyOf(wrapped, dst.position()))
        : null;
  }

  private void drop(long consumed) {
    bytes -= consumed;
    while (consumed > 0) {
      ByteString head = queue.poll();
      if (head.size() > consumed) {
        queue.addFirst(head.drop((int) consumed));
        return;
      }
      consumed -= head.size();
    }
  }
}
