package io.ferry.ipld.trustless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EntityBytesTest {
  private static String within(String spec, long size) {
    return EntityBytes.parse(spec).within(size).map(r -> r.first() + "-" + r.last()).orElse("none");
  }

  @Test
  void rangesResolveAgainstTheFileSizeWithStarsAndNegativeOffsets() {
    assertThat(within("0:*", 1026)).isEqualTo("0-1025");
    assertThat(within("512:1023", 1026)).isEqualTo("512-1023");
    assertThat(within("512:-256", 1026)).isEqualTo("512-770");
    assertThat(within("-5:*", 1026)).isEqualTo("1021-1025");
    assertThat(within("-9999:*", 1026)).isEqualTo("0-1025");
    assertThat(within("-9999:-3", 1026)).isEqualTo("0-1023");
    assertThat(within("0:0", 1026)).isEqualTo("0-0");
    assertThat(within("0:99999", 1026)).isEqualTo("0-1025");
  }

  @Test
  void aRangeThatSelectsNoByteResolvesToNothing() {
    assertThat(within("1026:*", 1026)).isEqualTo("none");
    assertThat(within("10:-2000", 1026)).isEqualTo("none");
    assertThat(within("0:*", 0)).isEqualTo("none");
  }

  @Test
  void malformedRangesAreRefusedInTheParametersTerms() {
    assertThatThrownBy(() -> EntityBytes.parse("12")).hasMessageContaining("from:to");
    assertThatThrownBy(() -> EntityBytes.parse("a:b")).hasMessageContaining("not a whole number");
    assertThatThrownBy(() -> EntityBytes.parse("*:5")).hasMessageContaining("not a whole number");
    assertThatThrownBy(() -> EntityBytes.parse("9:3")).hasMessageContaining("ends before");
  }

  @Test
  void overlapIsInclusiveAtBothEnds() {
    EntityBytes.Range r = new EntityBytes.Range(256, 511);
    assertThat(r.overlaps(0, 256)).isFalse();
    assertThat(r.overlaps(0, 257)).isTrue();
    assertThat(r.overlaps(511, 10)).isTrue();
    assertThat(r.overlaps(512, 10)).isFalse();
    assertThat(r.overlaps(300, 0)).isFalse();
  }
}
