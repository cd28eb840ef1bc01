package dev.onering.ticks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.instruments.ReferenceData;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TickParserTest {

  private final TickParser parser = new TickParser(ReferenceData.standard());
  // 2026-09-01T14:00:00Z in microseconds.
  private static final long T = 1788271200_000000L;
  private static final LocalDate DAY = LocalDate.of(2026, 9, 1);

  private static String line(String price, String size) {
    return "{\"symbol\":\"AAPL\",\"seq\":7,\"event_time\":" + T + ",\"price\":" + price + ",\"size\":" + size
        + ",\"side\":\"buy\",\"exchange\":\"XNAS\"}";
  }

  @Test
  void acceptsAWellFormedTickAndKeepsEveryField() {
    ParsedTick p = parser.parse(line("189.23", "100"), DAY);
    assertThat(p).isEqualTo(new ParsedTick.Accepted(new Tick("AAPL", 7, T, 189.23, 100, "buy", "XNAS")));
  }

  @Test
  void theSimulatorsOwnJsonParsesBackToTheSameTick() {
    Tick t = new Tick("BTC-USDT", 123456789L, T + 17, 63251.17, 0.0317, "sell", "BINANCE");
    assertThat(parser.parse(t.toJson(), DAY)).isEqualTo(new ParsedTick.Accepted(t));
  }

  @Test
  void pricesAndSizesParseExactlyAsTheJdkParsesThem() {
    java.util.Random random = new java.util.Random(14);
    for (int i = 0; i < 20_000; i++) {
      // Shortest representations, long fractions and exponents alike.
      double price = switch (i % 3) {
        case 0 -> random.nextDouble() * 100_000;
        case 1 -> Math.round(random.nextDouble() * 1e8) / 1e4;
        default -> Double.longBitsToDouble(0x3ff0000000000000L | (random.nextLong() >>> 12)) * Math.pow(10, i % 40 - 20);
      };
      String text = i % 2 == 0 ? Double.toString(price) : new java.math.BigDecimal(price).toPlainString();
      ParsedTick p = parser.parse(line(text, text), DAY);
      double expected = Double.parseDouble(text);
      assertThat(p).as(text).isInstanceOf(ParsedTick.Accepted.class);
      Tick t = ((ParsedTick.Accepted) p).tick();
      assertThat(Double.doubleToRawLongBits(t.price())).as(text).isEqualTo(Double.doubleToRawLongBits(expected));
      assertThat(Double.doubleToRawLongBits(t.size())).as(text).isEqualTo(Double.doubleToRawLongBits(expected));
    }
  }

  @Test
  void everyTradeOfASymbolSharesTheReferenceDatasStrings() {
    Tick first = ((ParsedTick.Accepted) parser.parse(line("1.5", "2"), DAY)).tick();
    Tick second = ((ParsedTick.Accepted) parser.parse(line("1.6", "3").replace("\"buy\"", "\"sell\""), DAY)).tick();
    assertThat(second.symbol()).isSameAs(first.symbol()).isEqualTo("AAPL");
    assertThat(second.exchange()).isSameAs(first.exchange()).isEqualTo("XNAS");
    assertThat(first.side()).isSameAs(Tick.BUY);
    assertThat(second.side()).isSameAs(Tick.SELL);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "null price        | null  | 100  | NULL_PRICE         | price",
        "zero price        | 0     | 100  | NON_POSITIVE_PRICE | price",
        "negative price    | -1.5  | 100  | NON_POSITIVE_PRICE | price",
        "null size         | 10.0  | null | NULL_SIZE          | size",
        "zero size         | 10.0  | 0    | NON_POSITIVE_SIZE  | size",
        "negative size     | 10.0  | -3   | NON_POSITIVE_SIZE  | size",
        "price as a string | \"x\" | 100  | INVALID_TYPE       | price",
      })
  void rejectsBadValuesNamingTheField(String name, String price, String size, RejectReason reason, String field) {
    ParsedTick p = parser.parse(line(price, size), DAY);
    assertThat(p).isInstanceOf(ParsedTick.Rejected.class);
    ParsedTick.Rejected r = (ParsedTick.Rejected) p;
    assertThat(r.reason()).isEqualTo(reason);
    assertThat(r.field()).isEqualTo(field);
    assertThat(r.detail()).isNotBlank();
  }

  @Test
  void malformedLinesAreRejectedAsMalformed() {
    String good = line("1.0", "1");
    for (String bad : new String[] {good.substring(0, 30), "AAPL,7,123,1.0,1,buy,XNAS", "", "[1,2]", good + "x"}) {
      ParsedTick p = parser.parse(bad, DAY);
      assertThat(p).as(bad).isInstanceOf(ParsedTick.Rejected.class);
      assertThat(((ParsedTick.Rejected) p).reason()).as(bad).isEqualTo(RejectReason.MALFORMED_JSON);
    }
  }

  @Test
  void missingFieldsAreNamed() {
    String noSide = "{\"symbol\":\"AAPL\",\"seq\":7,\"event_time\":" + T + ",\"price\":1.0,\"size\":1,\"exchange\":\"XNAS\"}";
    ParsedTick.Rejected r = (ParsedTick.Rejected) parser.parse(noSide, DAY);
    assertThat(r.reason()).isEqualTo(RejectReason.MISSING_FIELD);
    assertThat(r.field()).isEqualTo("side");
  }

  @Test
  void unknownSymbolWrongExchangeBadSideAndOtherDayAreRejected() {
    assertThat(reason(line("1.0", "1").replace("AAPL", "ZZZT"), DAY)).isEqualTo(RejectReason.UNKNOWN_SYMBOL);
    assertThat(reason(line("1.0", "1").replace("XNAS", "XNYS"), DAY)).isEqualTo(RejectReason.INVALID_VALUE);
    assertThat(reason(line("1.0", "1").replace("buy", "hold"), DAY)).isEqualTo(RejectReason.INVALID_VALUE);
    assertThat(reason(line("1.0", "1"), DAY.plusDays(1))).isEqualTo(RejectReason.OUTSIDE_BATCH_DATE);
    // Without a batch date (streaming) the same line is fine.
    assertThat(parser.parse(line("1.0", "1"), null)).isInstanceOf(ParsedTick.Accepted.class);
  }

  @Test
  void extraFieldsAreTolerated() {
    String extra = line("2.5", "3").replace("}", ",\"venue_flags\":{\"a\":[1,2]}}");
    assertThat(parser.parse(extra, DAY)).isInstanceOf(ParsedTick.Accepted.class);
  }

  private RejectReason reason(String l, LocalDate d) {
    return ((ParsedTick.Rejected) parser.parse(l, d)).reason();
  }

  @Test
  void priceBandsFlagAMisplacedDecimalButNotANormalMove() {
    assertThat(PriceBands.isSpike(1892.3, 189.23)).isTrue();
    assertThat(PriceBands.isSpike(18.923, 189.23)).isTrue();
    assertThat(PriceBands.isSpike(189.23 * 1.2, 189.23)).isFalse();
    assertThat(PriceBands.isSpike(189.23 / 1.2, 189.23)).isFalse();
  }
}
