package dev.onering.stream.job;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.onering.bars.MinuteBar;
import dev.onering.ticks.Tick;
import java.io.IOException;
import java.time.Instant;
import java.util.Objects;

/**
 * A one-minute bar as the job emits it. The same minute can be emitted more than once: revision 0
 * when the watermark passes the minute's end, one more for each late trade inside the allowed
 * lateness, and a copy marked {@code closed} when the lateness is over and the bar can no longer
 * change. A public-field class rather than a record, because Flink's POJO serializer and Pulsar's
 * JSON schema both want one.
 */
public final class BarRecord {
  public String symbol;
  /** The minute's first microsecond since the epoch, UTC. */
  public long barStart;
  public double open;
  public double high;
  public double low;
  public double close;
  public double volume;
  public double notional;
  public double vwap;
  public long tradeCount;
  public int revision;
  public boolean closed;

  public BarRecord() {}

  public static BarRecord of(MinuteBar bar, int revision, boolean closed) {
    BarRecord r = new BarRecord();
    r.symbol = bar.symbol();
    r.barStart = bar.barStartMicros();
    r.open = bar.open();
    r.high = bar.high();
    r.low = bar.low();
    r.close = bar.close();
    r.volume = bar.volume();
    r.notional = bar.notional();
    r.vwap = bar.vwap();
    r.tradeCount = bar.tradeCount();
    r.revision = revision;
    r.closed = closed;
    return r;
  }

  public MinuteBar toMinuteBar() {
    return new MinuteBar(symbol, barStart, open, high, low, close, volume, notional, tradeCount);
  }

  /** The bar's end in Flink's event-time unit, milliseconds. */
  public long endMillis() {
    return (barStart + MinuteBar.MINUTE_MICROS) / 1_000L;
  }

  /** The fields of a {@code silver.bars_1m} row, in ClickHouse's JSONEachRow format. */
  public void writeClickHouseRow(JsonGenerator g) throws IOException {
    g.writeStringField("symbol", symbol);
    g.writeStringField("bar_start", AlertRecord.clickHouseTime(barStart));
    g.writeStringField("trade_date", Tick.utcDate(barStart).toString());
    g.writeNumberField("open", open);
    g.writeNumberField("high", high);
    g.writeNumberField("low", low);
    g.writeNumberField("close", close);
    g.writeNumberField("volume", volume);
    g.writeNumberField("notional", notional);
    g.writeNumberField("vwap", vwap);
    g.writeNumberField("trade_count", tradeCount);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BarRecord b && barStart == b.barStart && open == b.open && high == b.high
        && low == b.low && close == b.close && volume == b.volume && notional == b.notional
        && vwap == b.vwap && tradeCount == b.tradeCount && revision == b.revision
        && closed == b.closed && Objects.equals(symbol, b.symbol);
  }

  @Override
  public int hashCode() {
    return Objects.hash(symbol, barStart, revision, closed);
  }

  @Override
  public String toString() {
    return symbol + "@" + Instant.ofEpochMilli(barStart / 1000) + " r" + revision + (closed ? " closed" : "")
        + " o=" + open + " h=" + high + " l=" + low + " c=" + close + " v=" + volume + " n=" + tradeCount;
  }
}
