package dev.onering.serving.clickhouse;

import dev.onering.lake.LakeFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Silver store's SQL, once for both engines: migrations, partition replacement, batch stats
 * and queries over a {@link ClickHouseSql}. Only how a date's Parquet files reach the engine
 * differs ({@link #loadParts}): chDB reads files itself, a server is sent them over HTTP.
 *
 * <p>The column list of a load is read from the table ({@code system.columns}), so the table
 * definition lives only in the changelog: a column added there is loaded from the Parquet column
 * of the same name with no change here.
 */
public abstract class ClickHouseSilverStore implements SilverStore {

  protected final ClickHouseSql sql;

  protected ClickHouseSilverStore(ClickHouseSql sql) {
    this.sql = sql;
  }

  /** A column of a Silver table as {@code system.columns} gives it. */
  protected record Column(String name, String type) {}

  @Override
  public int migrate(Path changelog) {
    return new ChangelogApplier(sql).apply(changelog);
  }

  @Override
  public String location() {
    return sql.location();
  }

  @Override
  public long replacePartition(SilverTable table, LakeFiles lake, LocalDate date) {
    return replacePartition(table, lake, date, lake.list(table.lakePartition(date), ".parquet"));
  }

  @Override
  public long replacePartition(SilverTable table, LakeFiles lake, LocalDate date, List<String> parts) {
    List<Column> columns = fileColumns(table); // fails first if the table is missing
    String folder = parts.isEmpty() ? table.lakePartition(date) : parts.get(0).substring(0, parts.get(0).lastIndexOf('/'));
    // The partition value as a string literal: the parser takes no function call in this place.
    String dropPartition = "ALTER TABLE " + table.qualifiedName() + " DROP PARTITION "
        + ChDb.quote(date.toString());
    sql.execute(dropPartition);
    if (parts.isEmpty()) {
      return 0;
    }
    try {
      loadParts(table, columns, date, lake, folder, parts);
    } catch (ClickHouseException | IOException | UncheckedIOException e) {
      // A load is not atomic across blocks or files: empty the date rather than leave part of it,
      // so a reader sees all of a date or none of it.
      try {
        sql.execute(dropPartition);
      } catch (ClickHouseException cleanup) {
        e.addSuppressed(cleanup);
      }
      String said = e instanceof ClickHouseException c ? "ClickHouse said: " + c.clickhouseMessage()
          : "reading the lake failed: " + e.getMessage();
      ClickHouseException failed = new ClickHouseException("loading " + lake.uri(folder) + " into "
          + table.qualifiedName() + " (" + sql.location() + ") failed, and partition "
          + SilverTable.PARTITION_COLUMN + "=" + date + " was emptied; fix the Parquet (or the table) "
          + "and re-run the load. " + said,
          e instanceof ClickHouseException c ? c.clickhouseMessage() : String.valueOf(e.getMessage()),
          e instanceof ClickHouseException c ? c.code() : -1,
          e instanceof ClickHouseException c ? c.sql() : "");
      failed.addSuppressed(e);
      throw failed;
    }
    return count(table, date);
  }

  /**
   * Inserts the date's part files (paths relative to the lake root, at least one) into the table,
   * whose partition is empty. Build the statement with {@link #insertHead} and {@link #selectList}.
   */
  protected abstract void loadParts(SilverTable table, List<Column> columns, LocalDate date, LakeFiles lake,
      String folder, List<String> parts) throws IOException;

  /** {@code INSERT INTO t (c1, ..., trade_date)}. */
  protected static String insertHead(SilverTable table, List<Column> columns) {
    return "INSERT INTO " + table.qualifiedName() + " ("
        + columns.stream().map(c -> identifier(c.name())).collect(Collectors.joining(", "))
        + ", " + identifier(SilverTable.PARTITION_COLUMN) + ")";
  }

  /**
   * {@code CAST(c1 AS T1), ..., toDate('D')}. An explicit CAST to the table's type per column,
   * because Spark's Parquet columns are optional and an implicit conversion turns a NULL into 0 or
   * '' without a word (even with insert_null_as_default = 0); CAST refuses a NULL, and Silver having
   * one is an upstream bug. trade_date is the Hive folder, not a column of the files: a constant.
   */
  protected static String selectList(List<Column> columns, LocalDate date) {
    return columns.stream().map(c -> "CAST(" + identifier(c.name()) + " AS " + c.type() + ")")
        .collect(Collectors.joining(", ")) + ", " + dateLiteral(date);
  }

  /**
   * The files' structure as Spark writes them, for {@code input()} / {@code file()}: the table's
   * columns, each Nullable (Spark's columns are optional) and without LowCardinality, which cannot
   * wrap a Nullable this way round.
   */
  protected static String fileStructure(List<Column> columns) {
    return columns.stream().map(c -> {
      String t = c.type();
      if (t.startsWith("LowCardinality(") && t.endsWith(")")) {
        t = t.substring("LowCardinality(".length(), t.length() - 1);
      }
      return identifier(c.name()) + " " + (t.startsWith("Nullable(") ? t : "Nullable(" + t + ")");
    }).collect(Collectors.joining(", "));
  }

  private List<Column> fileColumns(SilverTable table) {
    List<Map<String, Object>> rows = sql.rows("SELECT name, type FROM system.columns"
        + " WHERE database = " + ChDb.quote(table.database()) + " AND table = "
        + ChDb.quote(table.table()) + " AND name != " + ChDb.quote(SilverTable.PARTITION_COLUMN)
        + " ORDER BY position");
    if (rows.isEmpty()) {
      throw new IllegalStateException(table.qualifiedName() + " does not exist in " + sql.location()
          + "; run `onering migrate` (migrate(" + ChangelogApplier.DEFAULT_CHANGELOG + ")) first");
    }
    return rows.stream().map(r -> new Column((String) r.get("name"), (String) r.get("type"))).toList();
  }

  @Override
  public void replaceBatchStats(LocalDate date, long accepted, long quarantined) {
    if (accepted < 0 || quarantined < 0) {
      throw new IllegalArgumentException("batch stats for " + date + " cannot be negative: accepted " + accepted
          + ", quarantined " + quarantined);
    }
    long in = accepted + quarantined;
    double share = in == 0 ? 0.0 : (double) quarantined / in;
    sql.execute("ALTER TABLE " + BATCH_STATS + " DROP PARTITION " + ChDb.quote(date.toString()));
    sql.execute("INSERT INTO " + BATCH_STATS + " (trade_date, lines_in, accepted, quarantined, quarantine_share)"
        + " VALUES (" + dateLiteral(date) + ", " + in + ", " + accepted + ", " + quarantined + ", " + share + ")");
  }

  @Override
  public long count(SilverTable table, LocalDate date) {
    return sql.scalarLong("SELECT count() FROM " + table.qualifiedName() + " WHERE "
        + identifier(SilverTable.PARTITION_COLUMN) + " = " + dateLiteral(date));
  }

  @Override
  public void insertJsonEachRow(String table, String jsonLines) {
    if (!jsonLines.isBlank()) {
      sql.insert("INSERT INTO " + table + " FORMAT JSONEachRow", jsonLines);
    }
  }

  @Override
  public List<Map<String, Object>> rows(String query) {
    return sql.rows(query);
  }

  protected static String dateLiteral(LocalDate date) {
    return "toDate(" + ChDb.quote(date.toString()) + ")";
  }

  protected static String identifier(String name) {
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`";
  }
}
