package dev.onering.gold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GoldChangesTest {

  private static final LocalDate D0 = LocalDate.of(2026, 8, 3);

  private static GoldDailyRow day(String symbol, int day, double close) {
    return new GoldDailyRow(symbol, D0.plusDays(day), "XNAS", "equity", "ticks", close, close, close, close, 100.0,
        close, 10L, null, null, null, null, null, null, null);
  }

  private static InstrumentSummary summary(String symbol, double lastClose) {
    return new InstrumentSummary(symbol, "XNAS", "equity", "ticks", D0, D0.plusDays(2), 3, 1.0, lastClose,
        lastClose - 1.0, lastClose, 1.0, 300.0, 100.0, 30L, null, 0.0, null, null);
  }

  private static List<GoldDailyRow> days(String... symbols) {
    List<GoldDailyRow> out = new ArrayList<>();
    for (String s : symbols) {
      for (int d = 0; d < 3; d++) {
        out.add(day(s, d, 10 + d));
      }
    }
    return out;
  }

  @Test
  void theSameGoldAgainIsNoChange() {
    GoldChanges c = GoldChanges.between(days("A", "B"), List.of(summary("A", 12), summary("B", 12)),
        days("A", "B"), List.of(summary("A", 12), summary("B", 12)));
    assertThat(c.none()).isTrue();
    assertThat(c.dailyBars().unchanged()).isEqualTo(6);
    assertThat(c.instrumentSummary().unchanged()).isEqualTo(2);
    assertThat(c.headline()).isEqualTo("Gold unchanged since the previous run");
  }

  @Test
  void countsAddedRemovedAndChangedRowsByTheirKeys() {
    List<GoldDailyRow> before = days("A", "B");
    List<GoldDailyRow> after = new ArrayList<>(days("A", "C")); // B's three days go, C's three come
    after.set(1, day("A", 1, 99.0)); // A's second day changes its close
    after.add(day("A", 3, 13.0)); // and A gains a fourth day
    GoldChanges c = GoldChanges.between(before, List.of(summary("A", 12), summary("B", 12)),
        after, List.of(summary("A", 13), summary("C", 12)));

    assertThat(c.dailyBars()).extracting(GoldChanges.Table::added, GoldChanges.Table::removed,
        GoldChanges.Table::changed, GoldChanges.Table::unchanged).containsExactly(4L, 3L, 1L, 2L);
    assertThat(c.dailyBars().firstChanged()).isEqualTo("A " + D0.plusDays(1));
    assertThat(c.instrumentSummary()).extracting(GoldChanges.Table::added, GoldChanges.Table::removed,
        GoldChanges.Table::changed, GoldChanges.Table::unchanged).containsExactly(1L, 1L, 1L, 0L);
    assertThat(c.none()).isFalse();
    assertThat(c.headline()).isEqualTo("Gold since the previous run: daily bars 4 added, 3 removed, 1 changed; "
        + "instrument summary 1 added, 1 removed, 1 changed");
  }

  @Test
  void aValueThatMovesInItsLastDigitIsAChange() {
    List<GoldDailyRow> after = days("A");
    after.set(2, day("A", 2, Math.nextUp(12.0)));
    GoldChanges c = GoldChanges.between(days("A"), List.of(), after, List.of());
    assertThat(c.dailyBars().changed()).isEqualTo(1);
  }

  @Test
  void onlyRemovedRowsStillNameOne() {
    GoldChanges c = GoldChanges.between(days("A"), List.of(), List.of(), List.of());
    assertThat(c.dailyBars().removed()).isEqualTo(3);
    assertThat(c.dailyBars().firstChanged()).isEqualTo("A " + D0);
  }

  @Test
  void twoRowsUnderOneKeyAreRefused() {
    List<GoldDailyRow> twice = List.of(day("A", 0, 10), day("A", 0, 11));
    assertThatThrownBy(() -> GoldChanges.between(twice, List.of(), List.of(), List.of()))
        .hasMessageContaining("two Gold rows with the key A " + D0);
  }
}
