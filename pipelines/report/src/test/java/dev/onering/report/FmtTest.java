package dev.onering.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class FmtTest {

  @Test
  void countsAreGroupedAndMissingIsADash() {
    assertThat(Fmt.count(1_234_567L)).isEqualTo("1,234,567");
    assertThat(Fmt.count((Long) null)).isEqualTo(Fmt.NONE);
  }

  @Test
  void fractionsReadAsPercentages() {
    assertThat(Fmt.pct(0.1234)).isEqualTo("12.34 %");
    assertThat(Fmt.signedPct(0.05)).isEqualTo("+5.00 %");
    assertThat(Fmt.pct(Double.NaN)).isEqualTo(Fmt.NONE);
    assertThat(Fmt.num(1234.5678, 1)).isEqualTo("1,234.6");
    assertThat(Fmt.price(0.000123456)).isEqualTo("0.000123");
  }

  @Test
  void durationsReadAsAPersonSaysThem() {
    assertThat(Fmt.duration(420)).isEqualTo("420 ms");
    assertThat(Fmt.duration(8_400)).isEqualTo("8.4 s");
    assertThat(Fmt.duration(125_000)).isEqualTo("2 min 05 s");
    assertThat(Fmt.duration(3_720_000)).isEqualTo("1 h 02 min");
    assertThat(Fmt.duration(-1)).isEqualTo(Fmt.NONE);
  }

  @Test
  void instantsAreUtc() {
    assertThat(Fmt.instant(Instant.parse("2026-11-23T15:02:00.120Z"))).isEqualTo("2026-11-23 15:02:00 UTC");
    assertThat(Fmt.sortKey(null)).isEmpty();
  }
}
