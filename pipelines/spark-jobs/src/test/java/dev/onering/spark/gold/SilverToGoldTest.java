package dev.onering.spark.gold;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.gold.DailyBar;
import dev.onering.gold.GoldDailyRow;
import dev.onering.instruments.ReferenceData;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class SilverToGoldTest {
  @Test
  void ticksWinOverCsvForTheSameDayAndUnknownSymbolsAreImported() {
    LocalDate d1 = LocalDate.of(2026, 9, 1);
    LocalDate d2 = LocalDate.of(2026, 9, 2);
    List<DailyBar> ticks = List.of(new DailyBar("AAPL", d2, 10, 11, 9, 10.5, 100, 10.2, 5L));
    List<DailyBar> csv = List.of(
        new DailyBar("AAPL", d1, 9, 10, 8, 9.5, 50, null, null),
        new DailyBar("AAPL", d2, 99, 99, 99, 99, 1, null, null),
        new DailyBar("ACME", d1, 1, 2, 1, 2, 10, null, null));
    SilverToGold.GoldTables gold = SilverToGold.compute(ticks, csv, ReferenceData.standard());
    assertThat(gold.daily()).extracting(GoldDailyRow::symbol, GoldDailyRow::tradeDate, GoldDailyRow::source, GoldDailyRow::close)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("AAPL", d1, "csv", 9.5),
            org.assertj.core.groups.Tuple.tuple("AAPL", d2, "ticks", 10.5),
            org.assertj.core.groups.Tuple.tuple("ACME", d1, "csv", 2.0));
    assertThat(gold.daily().get(1).returnSimple()).isEqualTo(10.5 / 9.5 - 1);
    assertThat(gold.summary()).extracting(s -> s.symbol() + ":" + s.assetClass() + ":" + s.exchange() + ":" + s.source())
        .containsExactly("AAPL:equity:XNAS:ticks", "ACME:imported:IMPORTED:csv");
  }
}
