package dev.onering.instruments;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class TradingCalendarTest {

  @Test
  void nyseHolidaysOf2026AreClosed() {
    // NYSE's published 2026 calendar.
    String[] holidays = {
      "2026-01-01", "2026-01-19", "2026-02-16", "2026-04-03", "2026-05-25", "2026-06-19",
      "2026-07-03", "2026-09-07", "2026-11-26", "2026-12-25"
    };
    for (String h : holidays) {
      assertThat(TradingCalendar.US_EQUITIES.isTradingDay(LocalDate.parse(h))).as(h).isFalse();
    }
    assertThat(TradingCalendar.US_EQUITIES.isTradingDay(LocalDate.parse("2026-09-08"))).isTrue();
    assertThat(TradingCalendar.US_EQUITIES.isTradingDay(LocalDate.parse("2026-09-05"))).isFalse(); // Saturday
  }

  @Test
  void equitySessionFollowsNewYorkTimeAcrossDaylightSaving() {
    var summer = TradingCalendar.US_EQUITIES.session(LocalDate.parse("2026-09-01")).orElseThrow();
    assertThat(summer.open()).isEqualTo(Instant.parse("2026-09-01T13:30:00Z"));
    assertThat(summer.close()).isEqualTo(Instant.parse("2026-09-01T20:00:00Z"));
    var winter = TradingCalendar.US_EQUITIES.session(LocalDate.parse("2026-12-01")).orElseThrow();
    assertThat(winter.open()).isEqualTo(Instant.parse("2026-12-01T14:30:00Z"));
  }

  @Test
  void cryptoTradesEveryUtcDay() {
    var s = TradingCalendar.CRYPTO.session(LocalDate.parse("2026-09-05")).orElseThrow();
    assertThat(s.open()).isEqualTo(Instant.parse("2026-09-05T00:00:00Z"));
    assertThat(s.close()).isEqualTo(Instant.parse("2026-09-06T00:00:00Z"));
  }

  @Test
  void referenceSetCoversBothAssetClassesAndSeveralExchanges() {
    ReferenceData ref = ReferenceData.standard();
    assertThat(ref.instruments()).hasSizeGreaterThanOrEqualTo(20);
    assertThat(ref.instruments().stream().map(Instrument::exchange).distinct().count()).isGreaterThanOrEqualTo(2);
    assertThat(ref.select(4).stream().map(Instrument::assetClass).distinct()).hasSize(2);
  }
}
