package dev.onering.cli.bench;

import dev.onering.instruments.ReferenceData;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The benchmark's yardstick: DuckDB doing the batch path's work in SQL (onering/bench/yardstick.sql)
 * from the same Bronze files to Silver trades, one-minute bars and Gold daily rows, and the check
 * that both produce the same Gold rows. Runs as its own process so its memory is measured like
 * OneRing's.
 */
public final class DuckDbYardstick {
  private DuckDbYardstick() {}

  /** Where {@link #run} writes Gold's daily rows, inside its output folder. */
  public static final String GOLD = "gold_daily.parquet";

  /** Where {@link #run} writes Silver: {@code trades/} and {@code bars_1m/}, a folder per trade date. */
  public static final String SILVER = "silver";

  /** Usage: DuckDbYardstick LAKE_ROOT OUT_DIR MEMORY_LIMIT (e.g. 8GB). */
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: DuckDbYardstick LAKE_ROOT OUT_DIR MEMORY_LIMIT");
      System.exit(2);
    }
    run(Path.of(args[0]), Path.of(args[1]), args[2]);
  }

  /** Reads LAKE/bronze/ticks and writes OUT/silver/{trades,bars_1m}/ and OUT/gold_daily.parquet, replacing them. */
  public static void run(Path lake, Path out, String memoryLimit) throws IOException, SQLException {
    Files.createDirectories(out.resolve(SILVER));
    Path reference = Files.createTempFile("onering-instruments", ".csv");
    try (InputStream in = DuckDbYardstick.class.getClassLoader().getResourceAsStream(ReferenceData.RESOURCE)) {
      Files.copy(in, reference, StandardCopyOption.REPLACE_EXISTING);
    }
    String sql = resource("onering/bench/yardstick.sql")
        .replace("${lake}", lake.toAbsolutePath().toString())
        .replace("${reference}", reference.toString())
        .replace("${gold}", out.resolve(GOLD).toAbsolutePath().toString())
        .replace("${silver}", out.resolve(SILVER).toAbsolutePath().toString())
        .replace("${memory_limit}", memoryLimit);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      for (String statement : statements(sql)) {
        s.execute(statement);
      }
    } finally {
      Files.deleteIfExists(reference);
    }
  }

  /** Both Gold outputs compared row by row: rows on one side only, and rows whose figures differ. */
  @com.fasterxml.jackson.databind.annotation.JsonNaming(com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Comparison(long oneringRows, long duckdbRows, long onlyOneRing, long onlyDuckDb, long differing, String example) {
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean equal() {
      return onlyOneRing == 0 && onlyDuckDb == 0 && differing == 0;
    }
  }

  private static final String[] EXACT = {"open", "high", "low", "close", "trade_count"};
  private static final String[] CLOSE = {
    "volume", "vwap", "return_simple", "return_log", "sma_20", "sd_20", "zscore_20", "rv_20", "rsi_14"
  };

  /**
   * Prices are copied, never computed, so they must match exactly; sums and metrics may differ
   * only in summation order, within 1e-9 relative.
   */
  public static Comparison compare(java.util.List<Path> oneringGold, Path duckdbGold) throws SQLException {
    StringBuilder differs = new StringBuilder("false");
    for (String c : EXACT) {
      differs.append(" OR o.").append(c).append(" IS DISTINCT FROM d.").append(c);
    }
    for (String c : CLOSE) {
      differs.append(String.format(
          " OR (o.%1$s IS NULL) <> (d.%1$s IS NULL) OR abs(o.%1$s - d.%1$s) > 1e-9 * greatest(1, abs(d.%1$s))", c));
    }
    String sql = """
        WITH o AS (SELECT * FROM read_parquet(%s) WHERE source = 'ticks'),
             d AS (SELECT * FROM read_parquet('%s'))
        SELECT (SELECT count(*) FROM o), (SELECT count(*) FROM d),
          count(*) FILTER (WHERE d.symbol IS NULL), count(*) FILTER (WHERE o.symbol IS NULL),
          count(*) FILTER (WHERE o.symbol IS NOT NULL AND d.symbol IS NOT NULL AND (%s)),
          min(coalesce(o.symbol, d.symbol) || ' ' || coalesce(o.trade_date, d.trade_date))
            FILTER (WHERE o.symbol IS NULL OR d.symbol IS NULL OR (%s))
        FROM o FULL JOIN d ON o.symbol = d.symbol AND o.trade_date = d.trade_date
        """.formatted(oneringGold.stream().map(p -> "'" + p.toAbsolutePath() + "'")
            .collect(java.util.stream.Collectors.joining(", ", "[", "]")), duckdbGold.toAbsolutePath(), differs, differs);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return new Comparison(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getString(6));
    }
  }

  private static String resource(String name) {
    try (InputStream in = DuckDbYardstick.class.getClassLoader().getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Statements split at semicolons that end a line; comments dropped. */
  static java.util.List<String> statements(String sql) {
    StringBuilder cleaned = new StringBuilder();
    for (String line : sql.split("\n")) {
      String l = line.strip();
      if (!l.startsWith("--")) {
        cleaned.append(line).append('\n');
      }
    }
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String s : cleaned.toString().split(";\\s*\n")) {
      if (!s.isBlank()) {
        out.add(s.strip());
      }
    }
    return out;
  }
}
