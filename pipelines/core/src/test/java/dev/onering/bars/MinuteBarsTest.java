package dev.onering.bars;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.ticks.Tick;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MinuteBarsTest {
  private static final long M = 1_788_271_200_000_000L; // 2026-09-01T14:00:00Z, a whole minute

  private static Tick t(String s, long seq, long micros, double price, double size) {
    return new Tick(s, seq, micros, price, size, "buy", "XNAS");
  }

  @Test
  void oneBarPerSymbolAndMinuteWithOpenAndCloseByTimeThenSeq() {
    List<Tick> ticks = List.of(
        t("B", 9, M + 10, 7.0, 1),
        t("A", 3, M + 59_999_999L, 10.5, 2), // last microsecond of the minute: the close
        t("A", 2, M + 1, 11.0, 1),
        t("A", 1, M + 1, 10.0, 3), // same microsecond as seq 2, lower seq: the open
        t("A", 4, M + 60_000_000L, 9.0, 1)); // the next minute
    List<MinuteBar> bars = MinuteBars.of(ticks);
    assertThat(bars).containsExactly(
        new MinuteBar("A", M, 10.0, 11.0, 10.0, 10.5, 6, 10.0 * 3 + 11.0 + 10.5 * 2, 3),
        new MinuteBar("A", M + 60_000_000L, 9.0, 9.0, 9.0, 9.0, 1, 9.0, 1),
        new MinuteBar("B", M, 7.0, 7.0, 7.0, 7.0, 1, 7.0, 1));
    assertThat(bars.get(0).vwap()).isEqualTo((30.0 + 11.0 + 21.0) / 6);
  }

  @Test
  void arrivalOrderDoesNotChangeABitOfAnyBar() {
    Random r = new Random(1);
    List<Tick> ticks = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      ticks.add(t(i % 2 == 0 ? "A" : "B", i, M + r.nextInt(600_000_000), 100 + r.nextDouble(), 0.0001 * (1 + r.nextInt(9999))));
    }
    List<MinuteBar> inOrder = MinuteBars.of(ticks);
    Collections.shuffle(ticks, r);
    assertThat(MinuteBars.of(ticks)).isEqualTo(inOrder);
    assertThat(inOrder.stream().mapToLong(MinuteBar::tradeCount).sum()).isEqualTo(5_000);
  }

  @Test
  void minutesFloorNegativeTimesToo() {
    assertThat(MinuteBar.minuteOf(M + 59_999_999L)).isEqualTo(M);
    assertThat(MinuteBar.minuteOf(-1)).isEqualTo(-60_000_000L);
  }
}
