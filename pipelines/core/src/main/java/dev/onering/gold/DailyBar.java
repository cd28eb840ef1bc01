package dev.onering.gold;

import java.time.LocalDate;

/**
 * One symbol's day: OHLCV, and for days built from trades the VWAP and trade count (null for days
 * imported from CSV, which carry no trades).
 */
public record DailyBar(
    String symbol,
    LocalDate tradeDate,
    double open,
    double high,
    double low,
    double close,
    double volume,
    Double vwap,
    Long tradeCount) {}
