package io.ferry.transport.tcp.tls;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.pekko.util.ByteString;

/**
 * A {@link TlsStage}'s decrypted bytes on their way out: where the engine writes them ({@link
 * #targets}), and what is handed on ({@link #take}). Without a layout every read's plaintext is
 * handed on as one copy. With one, each unit's head is copied out of the decryption buffer and a
 * large body is decrypted into an array of its own, handed on once complete.
 */
final class PlaintextAssembler {
  private final PlaintextLayout layout;
  private boolean passThrough;
  private byte[] scratch = new byte[0];
  private int from; // scratch[from, to) decrypted and not yet placed
  private int to;
  private byte[] body; // the unit body being decrypted in place, or null
  private int bodyPos;
  private ByteString ready = ByteString.emptyByteString();

  /** Lays the plaintext out with {@code layout}; null hands every read on as one chunk. */
  PlaintextAssembler(PlaintextLayout layout) {
    this.layout = layout;
    this.passThrough = layout == null;
  }

  /**
   * Where the next record's plaintext goes: the rest of the body in progress, if any, then the
   * decryption buffer with at least {@code room} bytes free.
   */
  ByteBuffer[] targets(int room) {
    if (scratch.length - to < room) {
      int kept = to - from;
      byte[] next =
          kept + room <= scratch.length
              ? scratch
              : new byte[Math.max(kept + room, 2 * scratch.length)];
      System.arraycopy(scratch, from, next, 0, kept);
      scratch = next;
      from = 0;
      to = kept;
    }
    ByteBuffer free = ByteBuffer.wrap(scratch, to, scratch.length - to);
    return body == null
        ? new ByteBuffer[] {free}
        : new ByteBuffer[] {ByteBuffer.wrap(body, bodyPos, body.length - bodyPos), free};
  }

  /** Takes note of what the engine wrote into {@code targets}, and places what it can. */
  void filled(ByteBuffer[] targets) {
    if (body != null) {
      bodyPos = targets[0].position();
    }
    to = targets[targets.length - 1].position();
    if (!passThrough) {
      place();
    }
  }

  /** The plaintext ready to be handed on, or null if none. */
  ByteString take() {
    if (passThrough && to > from) {
      emit(to - from);
      from = 0;
      to = 0;
    }
    if (ready.isEmpty()) {
      return null;
    }
    ByteString r = ready;
    ready = ByteString.emptyByteString();
    return r;
  }

  /** Plaintext bytes decrypted and not handed on yet (a unit in progress). */
  long held() {
    return (long) (to - from) + (body == null ? 0 : bodyPos);
  }

  private void place() {
    while (true) {
      if (body != null) {
        int n = Math.min(to - from, body.length - bodyPos);
        System.arraycopy(
            scratch, from, body, bodyPos, n); // only the bytes of the body's first record
        from += n;
        bodyPos += n;
        if (bodyPos < body.length) {
          return;
        }
        ready = ready.concat(ByteString.fromArrayUnsafe(body));
        body = null;
        continue;
      }
      if (from == to) {
        from = 0;
        to = 0;
        return;
      }
      if (passThrough) {
        return;
      }
      PlaintextLayout.Unit unit = layout.next(ByteBuffer.wrap(scratch, from, to - from).slice());
      if (unit == null) {
        return;
      }
      if (unit == PlaintextLayout.UNKNOWN) {
        passThrough = true;
        return;
      }
      if (unit.body() < TlsStage.OWN_ARRAY) {
        long whole = (long) unit.head() + unit.body();
        if (to - from < whole) {
          return;
        }
        emit((int) whole);
        continue;
      }
      if (to - from < unit.head()) {
        return;
      }
      if (unit.head() > 0) {
        emit(unit.head());
      }
      body = new byte[unit.body()];
      bodyPos = 0;
    }
  }

  private void emit(int n) {
    ready = ready.concat(ByteString.fromArrayUnsafe(Arrays.copyOfRange(scratch, from, from + n)));
    from += n;
  }
}
