package dev.onering.gold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GoldMetricsTest {

  private static final GoldMetrics.Identity EQUITY = new GoldMetrics.Identity("T", "XNAS", "equity", "ticks", 252);
  private static final LocalDate D0 = LocalDate.of(2026, 1, 1);

  private static List<DailyBar> bars(double... closes) {
    List<DailyBar> out = new ArrayList<>();
    for (int i = 0; i < closes.length; i++) {
      double c = closes[i];
      out.add(new DailyBar("T", D0.plusDays(i), c, c, c, c, 1000, c, 10L));
    }
    return out;
  }

  @Test
  void rsiMatchesWildersWorkedExample() {
    // StockCharts' RSI worked example (Wilder smoothing), RSI published to 2 places.
    double[] closes = {
      44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955, 45.4245, 45.8433, 46.0826,
      45.8931, 46.0328, 45.6140, 46.2820, 46.2820, 46.0028, 46.0328, 46.4116, 46.2222, 45.6439,
      46.2122, 46.2521, 45.7137, 46.4515, 45.7835
    };
    double[] expected = {70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38, 54.71};
    List<GoldDailyRow> rows = GoldMetrics.daily(EQUITY, bars(closes));
    for (int i = 0; i < 14; i++) {
      assertThat(rows.get(i).rsi14()).as("no RSI before 14 changes, day %d", i).isNull();
    }
    for (int k = 0; k < expected.length; k++) {
      assertThat(rows.get(14 + k).rsi14()).as("day %d", 14 + k).isCloseTo(expected[k], within(0.01));
    }
  }

  @Test
  void smaSdAndZscoreOverConsecutiveIntegers() {
    double[] closes = new double[25];
    for (int i = 0; i < closes.length; i++) {
      closes[i] = i + 1;
    }
    List<GoldDailyRow> rows = GoldMetrics.daily(EQUITY, bars(closes));
    assertThat(rows.get(18).sma20()).isNull();
    // 20 consecutive integers: mean is the midpoint, sample variance n(n+1)/12 = 35.
    assertThat(rows.get(19).sma20()).isCloseTo(10.5, within(1e-12));
    assertThat(rows.get(19).sd20()).isCloseTo(Math.sqrt(35), within(1e-12));
    assertThat(rows.get(19).zscore20()).isCloseTo(9.5 / Math.sqrt(35), within(1e-12));
    assertThat(rows.get(24).sma20()).isCloseTo(15.5, within(1e-12));
  }

  @Test
  void returnsAndRealisedVolatility() {
    // Log returns alternate +a and -a: sample stdev of 20 of them is a * sqrt(20 / 19).
    double a = 0.01;
    double[] closes = new double[22];
    closes[0] = 100;
    for (int i = 1; i < closes.length; i++) {
      closes[i] = closes[i - 1] * Math.exp(i % 2 == 1 ? a : -a);
    }
    List<GoldDailyRow> rows = GoldMetrics.daily(EQUITY, bars(closes));
    assertThat(rows.get(0).returnSimple()).isNull();
    assertThat(rows.get(1).returnLog()).isCloseTo(a, within(1e-12));
    assertThat(rows.get(1).returnSimple()).isCloseTo(Math.exp(a) - 1, within(1e-12));
    assertThat(rows.get(19).rv20()).as("20 returns need 21 closes").isNull();
    assertThat(rows.get(20).rv20()).isCloseTo(a * Math.sqrt(20.0 / 19) * Math.sqrt(252), within(1e-12));
    GoldMetrics.Identity crypto = new GoldMetrics.Identity("C", "BINANCE", "crypto", "ticks", 365);
    assertThat(GoldMetrics.daily(crypto, bars(closes)).get(20).rv20())
        .isCloseTo(a * Math.sqrt(20.0 / 19) * Math.sqrt(365), within(1e-12));
  }

  @Test
  void flatPricesGiveNoZscoreAndNeutralRsi() {
    double[] closes = new double[21];
    java.util.Arrays.fill(closes, 5.0);
    GoldDailyRow last = GoldMetrics.daily(EQUITY, bars(closes)).get(20);
    assertThat(last.sd20()).isZero();
    assertThat(last.zscore20()).isNull();
    assertThat(last.rsi14()).isEqualTo(50.0);
  }

  @Test
  void summaryTakesDrawdownFromThePeak() {
    List<GoldDailyRow> rows = GoldMetrics.daily(EQUITY, bars(10, 12, 9, 11, 6, 8));
    InstrumentSummary s = GoldMetrics.summary(rows);
    assertThat(s.maxDrawdown()).isCloseTo(-0.5, within(1e-12));
    assertThat(s.periodReturn()).isCloseTo(8.0 / 10 - 1, within(1e-12));
    assertThat(s.tradingDays()).isEqualTo(6);
    assertThat(s.totalTrades()).isEqualTo(60L);
    assertThat(s.high()).isEqualTo(12);
    assertThat(s.low()).isEqualTo(6);
  }

  @Test
  void barsOutOfOrderAreRefused() {
    List<DailyBar> b = new ArrayList<>(bars(1, 2));
    java.util.Collections.reverse(b);
    assertThatThrownBy(() -> GoldMetrics.daily(EQUITY, b)).hasMessageContaining("increasing date order");
  }
}
