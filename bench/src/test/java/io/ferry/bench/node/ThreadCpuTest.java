package io.ferry.bench.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {
  @Test
  void aThreadThatBurnsCpuShowsUpUnderItsPoolsName() throws Exception {
    long pid = ProcessHandle.current().pid();
    ThreadCpu before = ThreadCpu.read(pid);
    CountDownLatch burnt = new CountDownLatch(1);
    CountDownLatch read = new CountDownLatch(1);
    Thread burner =
        new Thread(
            () -> {
              long end = System.nanoTime() + 300_000_000L;
              long x = 0;
              while (System.nanoTime() < end) {
                x += Long.numberOfTrailingZeros(x + 1);
              }
              if (x == 42) {
                System.out.println(x);
              }
              burnt.countDown();
              try {
                read.await(); // alive while read: an ended thread leaves /proc
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "ferry-burner-7");
    burner.start();
    burnt.await();
    Map<String, Double> used = ThreadCpu.read(pid).since(before);
    read.countDown();
    burner.join();

    assertThat(used).containsKey("ferry-burner");
    assertThat(used.get("ferry-burner")).isGreaterThanOrEqualTo(0.1);
    assertThat(ThreadCpu.format(used)).contains("ferry-burner");
  }

  @Test
  void threadsAreGroupedByWhatTheyDo() {
    assertThat(ThreadCpu.group("C2 CompilerThre")).isEqualTo("JIT (C2)");
    assertThat(ThreadCpu.group("C1 CompilerThre")).isEqualTo("JIT (C1)");
    assertThat(ThreadCpu.group("GC Thread#3")).isEqualTo("GC");
    assertThat(ThreadCpu.group("G1 Refine#0")).isEqualTo("GC");
    assertThat(ThreadCpu.group("ferry-pekko.act")).isEqualTo("Pekko dispatchers");
    assertThat(ThreadCpu.group("ferry-hash-1")).isEqualTo("ferry-hash");
  }
}
