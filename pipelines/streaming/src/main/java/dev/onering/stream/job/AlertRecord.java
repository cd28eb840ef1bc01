package dev.onering.stream.job;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * A CEP match, as it goes to the alerts topic and {@code silver.alerts}. (symbol, pattern,
 * first bar) is its key: a match found again after a restart replaces the earlier row.
 */
public final class AlertRecord {
  public String symbol;
  public String pattern;
  public long firstBarStart;
  public long lastBarStart;
  public int bars;
  /** The pattern's headline move, as a fraction (0.012 is +1.2 %). */
  public double move;
  public String detail;

  public AlertRecord() {}

  public AlertRecord(String symbol, String pattern, long firstBarStart, long lastBarStart, int bars,
      double move, String detail) {
    this.symbol = symbol;
    this.pattern = pattern;
    this.firstBarStart = firstBarStart;
    this.lastBarStart = lastBarStart;
    this.bars = bars;
    this.move = move;
    this.detail = detail;
  }

  private static final DateTimeFormatter CLICKHOUSE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

  static String clickHouseTime(long micros) {
    return CLICKHOUSE_TIME.format(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
        Math.floorMod(micros, 1_000_000L) * 1_000L));
  }

  /** The fields of a {@code silver.alerts} row, in ClickHouse's JSONEachRow format. */
  public void writeClickHouseRow(JsonGenerator g) throws IOException {
    g.writeStringField("symbol", symbol);
    g.writeStringField("pattern", pattern);
    g.writeStringField("first_bar_start", clickHouseTime(firstBarStart));
    g.writeStringField("last_bar_start", clickHouseTime(lastBarStart));
    g.writeStringField("trade_date", dev.onering.ticks.Tick.utcDate(firstBarStart).toString());
    g.writeNumberField("bars", bars);
    g.writeNumberField("move", move);
    g.writeStringField("detail", detail);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AlertRecord a && firstBarStart == a.firstBarStart
        && lastBarStart == a.lastBarStart && bars == a.bars && move == a.move
        && Objects.equals(symbol, a.symbol) && Objects.equals(pattern, a.pattern)
        && Objects.equals(detail, a.detail);
  }

  @Override
  public int hashCode() {
    return Objects.hash(symbol, pattern, firstBarStart);
  }

  @Override
  public String toString() {
    return pattern + " " + symbol + " " + Instant.ofEpochMilli(firstBarStart / 1000) + ": " + detail;
  }
}
