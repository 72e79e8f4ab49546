package io.ferry.ipld.unixfs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The slot a name takes at each level of a HAMT directory: its murmur3-x64-64 hash read {@code
 * bits} bits at a time, most significant bit first. When a deep level needs more than 64 bits, the
 * hash goes on with frame {@code n} = the hash of the name followed by the byte {@code n}, as the
 * reference implementations extend it.
 */
final class HamtHash {
  private final byte[] name;
  private final List<byte[]> frames = new ArrayList<>();

  HamtHash(String name) {
    this.name = name.getBytes(StandardCharsets.UTF_8);
  }

  /** The slot at {@code depth} (0 = the root shard) in shards of 2^{@code bits} slots. */
  int index(int depth, int bits) {
    long offset = (long) depth * bits;
    int value = 0;
    for (int i = 0; i < bits; i++, offset++) {
      byte[] frame = frame((int) (offset / 64));
      int inFrame = (int) (offset % 64);
      int bit = (frame[inFrame / 8] >> (7 - inFrame % 8)) & 1;
      value = (value << 1) | bit;
    }
    return value;
  }

  private byte[] frame(int n) {
    while (frames.size() <= n) {
      int f = frames.size();
      if (f == 0) {
        frames.add(Murmur3.x64_64(name));
      } else {
        byte[] extended = Arrays.copyOf(name, name.length + 1);
        extended[name.length] = (byte) f;
        frames.add(Murmur3.x64_64(extended));
      }
    }
    return frames.get(n);
  }
}
