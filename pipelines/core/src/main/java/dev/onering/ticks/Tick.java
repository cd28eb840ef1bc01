package dev.onering.ticks;

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
    StringBuilder b = new StringBuilder(128);
    appendJson(b);
    return b.toString();
  }

  public void appendJson(StringBuilder b) {
    b.append("{\"symbol\":\"").append(symbol)
        .append("\",\"seq\":").append(seq)
        .append(",\"event_time\":").append(eventTimeMicros)
        .append(",\"price\":").append(price)
        .append(",\"size\":").append(size)
        .append(",\"side\":\"").append(side)
        .append("\",\"exchange\":\"").append(exchange)
        .append("\"}");
  }
}
