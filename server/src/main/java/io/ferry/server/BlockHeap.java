package io.ferry.server;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * Whether this JVM's heap takes a block's bytes as ordinary objects. G1 puts every array of half a
 * heap region or more in regions of its own ("humongous" objects): each costs whole regions, is
 * allocated outside the young generation and starts collections of its own. With the region size G1
 * picks for a heap of up to 2 GiB (1 MiB), every 1 MiB block a transfer reads, decrypts or stores
 * is such an object, and the two nodes of a 1 GiB pull then spent seconds in collections caused by
 * them (docs/benchmarks.md, "Humongous blocks"). {@code bin/ferry} starts the JVM with regions of 8
 * MiB; a node started otherwise says so once at start.
 */
public record BlockHeap(boolean g1, long regionBytes) {
  /** The block size the check is about: ferry's import chunks and most IPFS tools' blocks. */
  static final long BLOCK_BYTES = 1 << 20;

  /** An array's header and length word, in bytes, above its elements (HotSpot, 64 bits). */
  private static final long ARRAY_HEADER = 16;

  /** The running JVM's collector and region size. */
  public static BlockHeap current() {
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    boolean g1 = Boolean.parseBoolean(vm.getVMOption("UseG1GC").getValue());
    long region = g1 ? Long.parseLong(vm.getVMOption("G1HeapRegionSize").getValue()) : 0;
    return new BlockHeap(g1, region);
  }

  /** Whether an array of {@code bytes} bytes is a humongous object in this heap. */
  public boolean humongous(long bytes) {
    return g1 && bytes + ARRAY_HEADER >= regionBytes / 2;
  }

  /** What to tell the operator when 1 MiB blocks are humongous objects here; empty otherwise. */
  public Optional<String> warning() {
    if (!humongous(BLOCK_BYTES)) {
      return Optional.empty();
    }
    return Optional.of(
        "the JVM's G1 heap regions are "
            + (regionBytes >> 10)
            + " KiB, so every block of 1 MiB is a humongous object and transfers spend much of"
            + " their time in garbage collection; start the node with -XX:G1HeapRegionSize=8m"
            + " (bin/ferry does unless FERRY_JAVA_OPTS says otherwise)");
  }
}
