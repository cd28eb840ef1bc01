package dev.onering.bars;

/**
 * A one-minute OHLCV bar of one symbol ({@code silver.bars_1m}).
 *
 * @param barStartMicros the minute's first microsecond since the epoch, UTC
 * @param notional sum of price * size, so daily VWAP can be rebuilt exactly from minutes
 */
public record MinuteBar(
    String symbol,
    long barStartMicros,
    double open,
    double high,
    double low,
    double close,
    double volume,
    double notional,
    long tradeCount) {

  public static final long MINUTE_MICROS = 60_000_000L;

  public double vwap() {
    return notional / volume;
  }

  public static long minuteOf(long eventTimeMicros) {
    return Math.floorDiv(eventTimeMicros, MINUTE_MICROS) * MINUTE_MICROS;
  }
}
