package dev.onering.serving.postgres;

import dev.onering.gold.GoldDailyRow;
import dev.onering.gold.InstrumentSummary;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.BiConsumer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Publishes Gold to Postgres: both tables are replaced in one transaction, so a reader sees either
 * the previous Gold or the new one, never a mix, and a failure anywhere leaves the previous Gold as
 * it was. Rows go in through COPY (text format), the fastest way into Postgres over JDBC.
 */
public final class GoldPublisher {

  /** Flush the COPY buffer to the server at about this many chars; keeps memory flat for any size. */
  private static final int COPY_CHUNK = 1 << 16;
  private static final System.Logger LOG = System.getLogger(GoldPublisher.class.getName());

  private GoldPublisher() {}

  /** A publish the database refused; nothing of it is visible and the previous Gold is unchanged. */
  public static final class GoldPublishException extends RuntimeException {
    private final String table;

    GoldPublishException(String message, String table, Throwable cause) {
      super(message, cause);
      this.table = table;
    }

    /** The table being written when it failed, or null when it failed before or after the COPYs. */
    public String table() {
      return table;
    }
  }

  /**
   * Replaces the contents of {@code gold.daily_bars} and {@code gold.instrument_summary} with the
   * given rows and records the publish in {@code gold.publications} (one row per table), all in
   * one transaction.
   *
   * @throws GoldPublishException when the database refuses the rows (a duplicate key, a NOT NULL or
   *     CHECK violation), naming the table, the offending key or row and the COPY line
   */
  public static GoldPublication publish(
      PostgresConnection settings, String runId, List<GoldDailyRow> daily, List<InstrumentSummary> summary) {
    return publish(settings, runId, daily, summary, c -> {});
  }

  /**
   * A check on the new Gold inside the publishing transaction, after the rows are written and
   * before they are committed: it sees the new Gold, readers do not. Throwing rolls the publish
   * back, so a Gold that fails its checks is never visible. The quality gate uses it.
   */
  @FunctionalInterface
  public interface BeforeCommit {
    void check(Connection transaction) throws SQLException;
  }

  /** {@link #publish(PostgresConnection, String, List, List)} with a check that may refuse the new Gold. */
  public static GoldPublication publish(PostgresConnection settings, String runId, List<GoldDailyRow> daily,
      List<InstrumentSummary> summary, BeforeCommit beforeCommit) {
    if (runId == null || runId.isBlank()) {
      throw new IllegalArgumentException("runId is required: gold.publications records which run published");
    }
    long t0 = System.nanoTime();
    String current = null;
    try (Connection c = settings.open()) {
      c.setAutoCommit(false);
      try {
        long id;
        Instant publishedAt;
        try (Statement s = c.createStatement()) {
          // A second publisher waits for the first instead of interleaving; readers (ACCESS SHARE)
          // are not blocked and keep seeing the previous Gold until commit. DELETE rather than
          // TRUNCATE for the same reason: TRUNCATE would block readers and is not MVCC-safe.
          s.execute("SET LOCAL lock_timeout = '60s'");
          s.execute("LOCK TABLE " + GoldTables.DAILY_BARS + ", " + GoldTables.INSTRUMENT_SUMMARY
              + " IN EXCLUSIVE MODE");
          try (ResultSet rs = s.executeQuery("SELECT nextval('gold.publication_id_seq'), now()")) {
            rs.next();
            id = rs.getLong(1);
            publishedAt = rs.getObject(2, OffsetDateTime.class).toInstant();
          }
          s.executeUpdate("DELETE FROM " + GoldTables.DAILY_BARS);
          s.executeUpdate("DELETE FROM " + GoldTables.INSTRUMENT_SUMMARY);
        }
        current = GoldTables.DAILY_BARS;
        long dailyRows = copy(c, GoldTables.DAILY_BARS, GoldTables.DAILY_COLUMNS, daily, GoldPublisher::dailyLine);
        current = GoldTables.INSTRUMENT_SUMMARY;
        long summaryRows =
            copy(c, GoldTables.INSTRUMENT_SUMMARY, GoldTables.SUMMARY_COLUMNS, summary, GoldPublisher::summaryLine);
        current = GoldTables.PUBLICATIONS;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + GoldTables.PUBLICATIONS
            + " (publication_id, published_at, run_id, table_name, row_count) VALUES (?, now(), ?, ?, ?)")) {
          audit(ps, id, runId, GoldTables.DAILY_BARS, dailyRows);
          audit(ps, id, runId, GoldTables.INSTRUMENT_SUMMARY, summaryRows);
          ps.executeBatch();
        }
        current = null;
        beforeCommit.check(c);
        c.commit();
        LOG.log(Level.INFO, "Published Gold #{0} for run {1}: {2} daily rows, {3} summary rows in {4} ms",
            String.valueOf(id), runId, String.valueOf(dailyRows), String.valueOf(summaryRows),
            String.valueOf((System.nanoTime() - t0) / 1_000_000));
        return new GoldPublication(id, runId, publishedAt, dailyRows, summaryRows);
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      }
    } catch (SQLException e) {
      throw new GoldPublishException(describe(runId, current, settings, e), current, e);
    }
  }

  private static void audit(PreparedStatement ps, long id, String runId, String table, long rows)
      throws SQLException {
    ps.setLong(1, id);
    ps.setString(2, runId);
    ps.setString(3, table);
    ps.setLong(4, rows);
    ps.addBatch();
  }

  /** COPY of {@code rows} into {@code table} in the caller's transaction, each row rendered by {@code line}. */
  static <T> long copy(
      Connection c, String table, List<String> columns, List<T> rows, BiConsumer<StringBuilder, T> line)
      throws SQLException {
    String sql = "COPY " + table + " (" + GoldTables.columnList(columns) + ") FROM STDIN (FORMAT text)";
    CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
    try {
      StringBuilder buf = new StringBuilder(COPY_CHUNK + 1024);
      for (T row : rows) {
        line.accept(buf, row);
        if (buf.length() >= COPY_CHUNK) {
          send(in, buf);
        }
      }
      send(in, buf);
      long n = in.endCopy();
      if (n != rows.size()) {
        throw new SQLException("COPY into " + table + " stored " + n + " rows of " + rows.size() + " sent");
      }
      return n;
    } finally {
      if (in.isActive()) {
        in.cancelCopy();
      }
    }
  }

  private static void send(CopyIn in, StringBuilder buf) throws SQLException {
    if (buf.length() > 0) {
      byte[] bytes = buf.toString().getBytes(StandardCharsets.UTF_8);
      in.writeToCopy(bytes, 0, bytes.length);
      buf.setLength(0);
    }
  }

  static void dailyLine(StringBuilder b, GoldDailyRow r) {
    text(b, r.symbol()).append('\t');
    date(b, r.tradeDate()).append('\t');
    text(b, r.exchange()).append('\t');
    text(b, r.assetClass()).append('\t');
    text(b, r.source()).append('\t');
    b.append(Double.toString(r.open())).append('\t');
    b.append(Double.toString(r.high())).append('\t');
    b.append(Double.toString(r.low())).append('\t');
    b.append(Double.toString(r.close())).append('\t');
    b.append(Double.toString(r.volume())).append('\t');
    num(b, r.vwap()).append('\t');
    num(b, r.tradeCount()).append('\t');
    num(b, r.returnSimple()).append('\t');
    num(b, r.returnLog()).append('\t');
    num(b, r.sma20()).append('\t');
    num(b, r.sd20()).append('\t');
    num(b, r.zscore20()).append('\t');
    num(b, r.rv20()).append('\t');
    num(b, r.rsi14()).append('\n');
  }

  static void summaryLine(StringBuilder b, InstrumentSummary s) {
    text(b, s.symbol()).append('\t');
    text(b, s.exchange()).append('\t');
    text(b, s.assetClass()).append('\t');
    text(b, s.source()).append('\t');
    date(b, s.firstDate()).append('\t');
    date(b, s.lastDate()).append('\t');
    b.append(s.tradingDays()).append('\t');
    b.append(Double.toString(s.firstOpen())).append('\t');
    b.append(Double.toString(s.lastClose())).append('\t');
    b.append(Double.toString(s.periodReturn())).append('\t');
    b.append(Double.toString(s.high())).append('\t');
    b.append(Double.toString(s.low())).append('\t');
    b.append(Double.toString(s.totalVolume())).append('\t');
    b.append(Double.toString(s.avgDailyVolume())).append('\t');
    num(b, s.totalTrades()).append('\t');
    num(b, s.annualisedVol()).append('\t');
    b.append(Double.toString(s.maxDrawdown())).append('\t');
    num(b, s.lastZscore20()).append('\t');
    num(b, s.lastRsi14()).append('\n');
  }

  /**
   * COPY text format: {@code \N} is NULL, and backslash, tab, newline and carriage return must be
   * escaped or they would end the field or row. Doubles use {@link Double#toString}, which prints
   * enough digits to round-trip exactly (and NaN/Infinity as Postgres spells them).
   */
  static StringBuilder text(StringBuilder b, String s) {
    if (s == null) {
      return b.append("\\N");
    }
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '\\' -> b.append("\\\\");
        case '\t' -> b.append("\\t");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        default -> b.append(ch);
      }
    }
    return b;
  }

  static StringBuilder date(StringBuilder b, LocalDate d) {
    return d == null ? b.append("\\N") : b.append(d); // ISO yyyy-MM-dd, read as such whatever DateStyle
  }

  static StringBuilder num(StringBuilder b, Number n) {
    if (n == null) {
      return b.append("\\N");
    }
    return n instanceof Double d ? b.append(Double.toString(d)) : b.append(n.toString());
  }

  static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e); // the connection is closed next; Postgres rolls back on disconnect
    }
  }

  private static String describe(String runId, String table, PostgresConnection settings, SQLException e) {
    StringBuilder m = new StringBuilder("Gold publish for run ").append(runId).append(" failed");
    if (table != null) {
      m.append(" writing ").append(table);
    }
    m.append(": ");
    ServerErrorMessage server = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
    if (server != null) {
      m.append(server.getMessage());
      if (server.getDetail() != null) {
        m.append(". ").append(server.getDetail());
      }
      if (server.getWhere() != null) {
        // "COPY daily_bars, line 3: <the raw line>": the line number locates the row in the list
        // (line n = element n-1); the raw line repeats the detail with tabs, so it is dropped.
        String where = server.getWhere().lines().findFirst().orElse("");
        int raw = where.indexOf(": ");
        m.append(" (").append(raw > 0 ? where.substring(0, raw) : where).append(")");
      }
    } else {
      m.append(e.getMessage());
    }
    m.append(". Nothing was published; the previous Gold is unchanged. ");
    if ("42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState())) {
      m.append("The Gold tables are missing: apply the Liquibase changelog (PostgresMigrations) to ")
          .append(settings.redactedUrl()).append(" first.");
    } else {
      m.append("Fix the rows upstream (the gold step) and publish again.");
    }
    return m.toString();
  }
}
