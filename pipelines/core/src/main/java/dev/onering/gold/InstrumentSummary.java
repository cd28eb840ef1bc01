package dev.onering.gold;

import java.time.LocalDate;

/** A row of {@code gold.instrument_summary}: one symbol over the whole period in Gold. */
public record InstrumentSummary(
    String symbol,
    String exchange,
    String assetClass,
    String source,
    LocalDate firstDate,
    LocalDate lastDate,
    int tradingDays,
    double firstOpen,
    double lastClose,
    double periodReturn,
    double high,
    double low,
    double totalVolume,
    double avgDailyVolume,
    Long totalTrades,
    Double annualisedVol,
    double maxDrawdown,
    Double lastZscore20,
    Double lastRsi14) {}
