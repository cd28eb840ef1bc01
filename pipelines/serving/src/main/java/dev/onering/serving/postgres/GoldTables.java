package dev.onering.serving.postgres;

import java.util.List;
import java.util.Set;

/**
 * The Gold tables' names and column orders, shared by the publisher and the reader so the two can
 * never disagree. The columns are those of docs/data-model.md and the Liquibase changelog, in the
 * order of the {@code GoldDailyRow} and {@code InstrumentSummary} record components.
 */
final class GoldTables {

  static final String SCHEMA = "gold";
  static final String DAILY_BARS = "gold.daily_bars";
  static final String INSTRUMENT_SUMMARY = "gold.instrument_summary";
  static final String PUBLICATIONS = "gold.publications";
  static final String QUALITY_RESULTS = "gold.quality_results";
  /** Columns from pipelines/spec/features.yaml (FeatureSpec), not listed here. */
  static final String FEATURES_DAILY = "gold.features_daily";
  static final Set<String> ALL = Set.of(DAILY_BARS, INSTRUMENT_SUMMARY, PUBLICATIONS, QUALITY_RESULTS, FEATURES_DAILY);

  static final List<String> DAILY_COLUMNS = List.of(
      "symbol", "trade_date", "exchange", "asset_class", "source",
      "open", "high", "low", "close", "volume", "vwap", "trade_count",
      "return_simple", "return_log", "sma_20", "sd_20", "zscore_20", "rv_20", "rsi_14");

  static final List<String> SUMMARY_COLUMNS = List.of(
      "symbol", "exchange", "asset_class", "source", "first_date", "last_date", "trading_days",
      "first_open", "last_close", "period_return", "high", "low", "total_volume", "avg_daily_volume",
      "total_trades", "annualised_vol", "max_drawdown", "last_zscore_20", "last_rsi_14");

  private GoldTables() {}

  /** {@code daily_bars} or {@code gold.daily_bars} to the qualified name; anything else is refused. */
  static String qualified(String table) {
    String t = table.contains(".") ? table : SCHEMA + "." + table;
    if (!ALL.contains(t)) {
      throw new IllegalArgumentException("Unknown Gold table '" + table + "'; expected one of " + ALL);
    }
    return t;
  }

  static String columnList(List<String> columns) {
    return String.join(", ", columns);
  }
}
