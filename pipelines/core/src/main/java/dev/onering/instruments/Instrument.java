package dev.onering.instruments;

import java.time.Instant;
import java.util.List;

/**
 * One tradable instrument of the reference set.
 *
 * @param marketId exchange-qualified id, e.g. {@code XNAS:AAPL} or {@code BINANCE:BTC-USDT}
 * @param tickSize smallest price increment; its inverse is a whole number so prices round exactly
 * @param earliestTime first instant for which the source has data
 * @param supportedPeriods bar periods the source can serve, e.g. {@code 1m}, {@code 1d}
 */
public record Instrument(
    String symbol,
    String exchange,
    String marketId,
    AssetClass assetClass,
    String baseAsset,
    String quoteAsset,
    double tickSize,
    String description,
    Instant earliestTime,
    List<String> supportedPeriods) {

  public Instrument {
    if (symbol == null || symbol.isBlank()) {
      throw new IllegalArgumentException("instrument symbol is empty");
    }
    if (!(tickSize > 0)) {
      throw new IllegalArgumentException(symbol + ": tick size must be positive, got " + tickSize);
    }
    double ticksPerUnit = 1.0 / tickSize;
    if (Math.abs(ticksPerUnit - Math.rint(ticksPerUnit)) > 1e-9) {
      throw new IllegalArgumentException(
          symbol + ": 1/tick_size must be a whole number so prices round exactly, got " + tickSize);
    }
    supportedPeriods = List.copyOf(supportedPeriods);
  }

  /** How many ticks make one unit of price: 100 for a tick of 0.01. */
  public long ticksPerUnit() {
    return Math.round(1.0 / tickSize);
  }
}
