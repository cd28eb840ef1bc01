package dev.onering.serving.clickhouse;

import dev.onering.lake.Lake;
import java.time.LocalDate;

/** The Silver tables served from ClickHouse, each with its lake folder (docs/data-model.md). */
public enum SilverTable {
  TRADES("silver.trades", Lake.SILVER_TRADES),
  BARS_1M("silver.bars_1m", Lake.SILVER_BARS_1M),
  BATCH_STATS("silver.batch_stats", Lake.SILVER_BATCH_STATS);

  /** The Hive partition folder in the lake and the PARTITION BY column in ClickHouse. */
  public static final String PARTITION_COLUMN = "trade_date";

  private final String qualifiedName;
  private final String lakeTable;

  SilverTable(String qualifiedName, String lakeTable) {
    this.qualifiedName = qualifiedName;
    this.lakeTable = lakeTable;
  }

  /** {@code database.table} in ClickHouse. */
  public String qualifiedName() {
    return qualifiedName;
  }

  public String database() {
    return qualifiedName.substring(0, qualifiedName.indexOf('.'));
  }

  public String table() {
    return qualifiedName.substring(qualifiedName.indexOf('.') + 1);
  }

  /** The table's folder relative to the lake root, e.g. {@code silver/trades}. */
  public String lakeTable() {
    return lakeTable;
  }

  /** The partition folder of one date, relative to the lake root. */
  public String lakePartition(LocalDate date) {
    return Lake.datePartition(lakeTable, PARTITION_COLUMN, date);
  }
}
