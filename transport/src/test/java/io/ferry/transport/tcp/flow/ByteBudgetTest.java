package io.ferry.transport.tcp.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ByteBudgetTest {
  @Test
  void takesGetWhatIsLeftButNotLessThanTheMinimum() {
    ByteBudget budget = new ByteBudget(16 << 20);

    assertThat(budget.take(8 << 20, 256 << 10)).isEqualTo(8 << 20);
    assertThat(budget.take(8 << 20, 256 << 10)).isEqualTo(8 << 20);
    assertThat(budget.take(8 << 20, 256 << 10)).isZero();
    budget.give(100 << 10);
    assertThat(budget.take(8 << 20, 256 << 10)).isZero();
    budget.give(1 << 20);
    assertThat(budget.take(8 << 20, 256 << 10)).isEqualTo((1 << 20) + (100 << 10));
  }

  @Test
  void waitersAreWokenOnceWhenBytesComeBack() {
    ByteBudget budget = new ByteBudget(1 << 20);
    budget.take(1 << 20, 1);
    List<String> woken = new ArrayList<>();
    budget.onFree(() -> woken.add("first"));
    budget.onFree(() -> woken.add("second"));

    budget.give(1000);
    budget.give(1000);

    assertThat(woken).containsExactly("first", "second");
    assertThat(budget.used()).isEqualTo((1 << 20) - 2000);
  }
}
