package dev.onering.gold;

import java.time.LocalDate;

/** A row of {@code gold.daily_bars}: the day's bar and its metrics. Null means "not enough history". */
public record GoldDailyRow(
    String symbol,
    LocalDate tradeDate,
    String exchange,
    String assetClass,
    String source,
    double open,
    double high,
    double low,
    double close,
    double volume,
    Double vwap,
    Long tradeCount,
    Double returnSimple,
    Double returnLog,
    Double sma20,
    Double sd20,
    Double zscore20,
    Double rv20,
    Double rsi14) {}
