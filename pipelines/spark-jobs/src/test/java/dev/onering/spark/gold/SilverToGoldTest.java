package dev.onering.spark.gold;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.gold.DailyBar;
import dev.onering.gold.GoldDailyRow;
import dev.onering.instruments.ReferenceData;
import dev.onering.spark.SparkTestBase;
import dev.onering.spark.silver.BronzeToSilver;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class SilverToGoldTest extends SparkTestBase {
  private static final LocalDate DAY = LocalDate.of(2026, 9, 1);

  private static Row bar(String symbol, String minute, double o, double h, double l, double c, double v, double notional, long n) {
    return RowFactory.create(symbol, Instant.parse("2026-09-01T" + minute + ":00Z"), DAY, o, h, l, c, v, notional, notional / v, n);
  }

  @Test
  void aDayIsTheFirstMinutesOpenAndTheLastMinutesClose() {
    List<Row> bars = List.of(
        bar("AAPL", "15:01", 101, 104, 100.5, 103, 20, 2040, 4),
        bar("AAPL", "14:00", 100, 102, 99, 101, 10, 1005, 2), // earliest minute, listed second
        bar("AAPL", "19:59", 103, 103.5, 98, 99, 5, 500, 1));
    var daily = SilverToGold.dailyFromBars(spark.createDataFrame(bars, BronzeToSilver.Output.BARS.schema())).collectAsList();
    assertThat(daily).hasSize(1);
    Row d = daily.get(0);
    assertThat(d.<Double>getAs("open")).isEqualTo(100.0);
    assertThat(d.<Double>getAs("close")).isEqualTo(99.0);
    assertThat(d.<Double>getAs("high")).isEqualTo(104.0);
    assertThat(d.<Double>getAs("low")).isEqualTo(98.0);
    assertThat(d.<Double>getAs("volume")).isEqualTo(35.0);
    assertThat(d.<Double>getAs("vwap")).isEqualTo((1005.0 + 2040 + 500) / 35);
    assertThat(d.<Long>getAs("trade_count")).isEqualTo(7L);
  }

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
