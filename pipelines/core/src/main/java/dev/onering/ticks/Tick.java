package dev.onering.ticks;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.onering.pipeline.JsonLineWriter;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * A trade as the source reports it.
 *
 * @param seq strictly increasing per symbol; (symbol, seq) identifies a trade
 * @param eventTimeMicros when the trade happened, microseconds since the epoch (UTC)
 * @param side {@code buy} or {@code sell}: the aggressor's side
 */
public record Tick(
    String symbol,
    long seq,
    long eventTimeMicros,
    double price,
    double size,
    String side,
    String exchange) {

  public static final String BUY = "buy";
  public static final String SELL = "sell";

  public Instant eventTime() {
    return Instant.ofEpochSecond(
        Math.floorDiv(eventTimeMicros, 1_000_000L), Math.floorMod(eventTimeMicros, 1_000_000L) * 1_000L);
  }

  /** The UTC date of the event: the trading date for every instrument OneRing knows. */
  public LocalDate tradeDate() {
    return utcDate(eventTimeMicros);
  }

  public static LocalDate utcDate(long epochMicros) {
    return LocalDate.ofEpochDay(Math.floorDiv(epochMicros, 86_400_000_000L));
  }

  public static long startOfDayMicros(LocalDate date) {
    return date.atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1_000_000L;
  }

  /** The line the simulator and the stream publisher write to Bronze. */
  public String toJson() {
    return JsonLineWriter.line(this::writeFields);
  }

  /** The line's fields, inside an object the caller opened. */
  public void writeFields(JsonGenerator g) throws IOException {
    writeFields(g, price, size);
  }

  /**
   * The line's fields with the price and size given, a null one written as JSON null: the
   * simulator's defective lines are a tick with a bad price or size.
   */
  public void writeFields(JsonGenerator g, Double price, Double size) throws IOException {
    g.writeStringField("symbol", symbol);
    g.writeNumberField("seq", seq);
    g.writeNumberField("event_time", eventTimeMicros);
    writeNumberOrNull(g, "price", price);
    writeNumberOrNull(g, "size", size);
    g.writeStringField("side", side);
    g.writeStringField("exchange", exchange);
  }

  private static void writeNumberOrNull(JsonGenerator g, String name, Double value) throws IOException {
    if (value == null) {
      g.writeNullField(name);
    } else {
      g.writeNumberField(name, value.doubleValue());
    }
  }
}
