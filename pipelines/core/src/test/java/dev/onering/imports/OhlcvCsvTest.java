package dev.onering.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.gold.DailyBar;
import dev.onering.ticks.RejectReason;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class OhlcvCsvTest {

  @Test
  void symbolComesFromTheFileNameUpToTheFirstDotOrUnderscore() {
    assertThat(OhlcvCsv.symbolFromFileName("bronze/x/aapl_daily.csv")).isEqualTo("AAPL");
    assertThat(OhlcvCsv.symbolFromFileName("BTC-USD.csv")).isEqualTo("BTC-USD");
  }

  @Test
  void readsAnyColumnOrderAndCaseAndASymbolColumnWins() {
    List<Object> out = OhlcvCsv.parseAll("f_ignored.csv", List.of(
        "\uFEFFVolume,Close,Low,High,Open,Date,Symbol",
        "100,10.5,9.5,11,10,2026-09-01,msft",
        "",
        "200,11,10,12,10.5,2026-09-02T00:00:00Z,"));
    assertThat(out).containsExactly(
        new DailyBar("MSFT", LocalDate.of(2026, 9, 1), 10, 11, 9.5, 10.5, 100, null, null),
        new DailyBar("F", LocalDate.of(2026, 9, 2), 10.5, 12, 10, 11, 200, null, null));
  }

  @Test
  void everyBadLineIsRejectedWithItsLineFieldAndReason() {
    List<Object> out = OhlcvCsv.parseAll("SPY.csv", List.of(
        "date,open,high,low,close,volume",
        "2026-09-01,10,11,9,10.5,100", // line 2: fine
        "2026-09-02,10,9,9.5,10,100", // 3: high below low
        "2026-09-03,10,11,10.5,10.2,100", // 4: low above close
        "09/04/2026,10,11,9,10,100", // 5: not ISO
        "2026-09-05,10,11,n/a,10,100", // 6: not a number
        "2026-09-06,0,11,9,10,100", // 7: zero open
        "2026-09-07,10,11,9,10,-1", // 8: negative volume
        "2026-09-08,10,11,9", // 9: short
        "2026-09-01,10,11,9,10.5,100")); // 10: same day again
    List<OhlcvCsv.Rejection> rejected = out.stream()
        .filter(OhlcvCsv.Rejection.class::isInstance).map(OhlcvCsv.Rejection.class::cast).toList();
    assertThat(rejected).extracting(OhlcvCsv.Rejection::line).containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    assertThat(rejected).extracting(OhlcvCsv.Rejection::reason).containsExactly(
        RejectReason.INCONSISTENT_OHLC, RejectReason.INCONSISTENT_OHLC, RejectReason.INVALID_TYPE,
        RejectReason.INVALID_TYPE, RejectReason.NON_POSITIVE_PRICE, RejectReason.INVALID_VALUE,
        RejectReason.MALFORMED_ROW, RejectReason.DUPLICATE);
    assertThat(rejected).extracting(OhlcvCsv.Rejection::field).containsExactly(
        "high", "low", "date", "low", "open", "volume", null, "date");
    assertThat(rejected.get(3).detail()).isEqualTo("SPY.csv line 6, field low: low 'n/a' is not a number");
    assertThat(out.stream().filter(DailyBar.class::isInstance)).hasSize(1);
  }

  @Test
  void aMissingColumnRejectsEveryRowAndSaysWhatToDo() {
    List<Object> out = OhlcvCsv.parseAll("X.csv", List.of("date,open,high,low,volume", "2026-09-01,1,2,1,5", "2026-09-02,1,2,1,5"));
    assertThat(out).hasSize(2).allSatisfy(o -> {
      OhlcvCsv.Rejection r = (OhlcvCsv.Rejection) o;
      assertThat(r.reason()).isEqualTo(RejectReason.MISSING_COLUMN);
      assertThat(r.field()).isEqualTo("close");
      assertThat(r.detail()).contains("no 'close' column").contains("import the file again");
    });
    assertThat(OhlcvCsv.parseAll("empty.csv", List.of())).isEmpty();
  }
}
