package io.vaultgate.crypto.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PendingSegmentTest {
  @Test
  void adjacentAndOverlappingRanges_mergeIntoOneRun() {
    PendingSegment p = new PendingSegment(new byte[100]);
    p.add(10, 20);
    p.add(30, 40);
    assertThat(p.runEnd(0)).isZero();
    assertThat(p.runEnd(10)).isEqualTo(20);
    p.add(0, 10);
    assertThat(p.runEnd(0)).isEqualTo(20);
    p.add(15, 35);
    assertThat(p.runEnd(0)).isEqualTo(40);
    p.add(40, 100);
    assertThat(p.runEnd(0)).isEqualTo(100);
  }

  @Test
  void rangeCoveringSeveralRuns_absorbsThemAll() {
    PendingSegment p = new PendingSegment(new byte[100]);
    p.add(5, 6);
    p.add(50, 60);
    p.add(80, 90);
    p.add(0, 95);
    assertThat(p.runEnd(0)).isEqualTo(95);
    assertThat(p.runEnd(95)).isEqualTo(95);
  }
}
