package dev.onering.serving.postgres;

import dev.onering.gold.GoldDailyRow;
import dev.onering.gold.InstrumentSummary;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads Gold back from Postgres as the core records, for the tests and the run report. SQL NULL
 * becomes a null {@code Double}/{@code Long}; doubles come back bit for bit as published.
 */
public final class GoldReader {

  private GoldReader() {}

  /**
   * All of {@code gold.daily_bars}, ordered by symbol and trade date. Symbols sort bytewise
   * (COLLATE "C") so the order is the same on every server whatever its locale.
   */
  public static List<GoldDailyRow> readDaily(PostgresConnection settings) {
    String sql = "SELECT " + GoldTables.columnList(GoldTables.DAILY_COLUMNS) + " FROM "
        + GoldTables.DAILY_BARS + " ORDER BY symbol COLLATE \"C\", trade_date";
    List<GoldDailyRow> out = new ArrayList<>();
    try (Connection c = settings.open(); Statement s = c.createStatement()) {
      s.setFetchSize(10_000); // only honoured outside autocommit; harmless otherwise
      try (ResultSet rs = s.executeQuery(sql)) {
        while (rs.next()) {
          out.add(new GoldDailyRow(
              rs.getString(1), rs.getObject(2, LocalDate.class), rs.getString(3), rs.getString(4),
              rs.getString(5), rs.getDouble(6), rs.getDouble(7), rs.getDouble(8), rs.getDouble(9),
              rs.getDouble(10), rs.getObject(11, Double.class), rs.getObject(12, Long.class),
              rs.getObject(13, Double.class), rs.getObject(14, Double.class),
              rs.getObject(15, Double.class), rs.getObject(16, Double.class),
              rs.getObject(17, Double.class), rs.getObject(18, Double.class),
              rs.getObject(19, Double.class)));
        }
      }
    } catch (SQLException e) {
      throw failure(GoldTables.DAILY_BARS, settings, e);
    }
    return out;
  }

  /** All of {@code gold.instrument_summary}, ordered by symbol. */
  public static List<InstrumentSummary> readSummary(PostgresConnection settings) {
    String sql = "SELECT " + GoldTables.columnList(GoldTables.SUMMARY_COLUMNS) + " FROM "
        + GoldTables.INSTRUMENT_SUMMARY + " ORDER BY symbol COLLATE \"C\"";
    List<InstrumentSummary> out = new ArrayList<>();
    try (Connection c = settings.open();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(new InstrumentSummary(
            rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
            rs.getObject(5, LocalDate.class), rs.getObject(6, LocalDate.class), rs.getInt(7),
            rs.getDouble(8), rs.getDouble(9), rs.getDouble(10), rs.getDouble(11), rs.getDouble(12),
            rs.getDouble(13), rs.getDouble(14), rs.getObject(15, Long.class),
            rs.getObject(16, Double.class), rs.getDouble(17), rs.getObject(18, Double.class),
            rs.getObject(19, Double.class)));
      }
    } catch (SQLException e) {
      throw failure(GoldTables.INSTRUMENT_SUMMARY, settings, e);
    }
    return out;
  }

  /**
   * Row count of a Gold table: {@code daily_bars}, {@code instrument_summary}, {@code publications}
   * or {@code quality_results}, with or without the {@code gold.} prefix.
   */
  public static long count(PostgresConnection settings, String table) {
    String t = GoldTables.qualified(table);
    try (Connection c = settings.open();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + t)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw failure(t, settings, e);
    }
  }

  /** The most recent publish recorded in {@code gold.publications}, if any. */
  public static Optional<GoldPublication> lastPublication(PostgresConnection settings) {
    String sql = "SELECT publication_id, run_id, published_at,"
        + " sum(row_count) FILTER (WHERE table_name = ?),"
        + " sum(row_count) FILTER (WHERE table_name = ?)"
        + " FROM " + GoldTables.PUBLICATIONS
        + " WHERE publication_id = (SELECT max(publication_id) FROM " + GoldTables.PUBLICATIONS + ")"
        + " GROUP BY publication_id, run_id, published_at";
    try (Connection c = settings.open(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, GoldTables.DAILY_BARS);
      ps.setString(2, GoldTables.INSTRUMENT_SUMMARY);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new GoldPublication(
            rs.getLong(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class).toInstant(),
            rs.getLong(4), rs.getLong(5)));
      }
    } catch (SQLException e) {
      throw failure(GoldTables.PUBLICATIONS, settings, e);
    }
  }

  private static IllegalStateException failure(String table, PostgresConnection settings, SQLException e) {
    String hint = "42P01".equals(e.getSQLState())
        ? " The Gold tables are missing: apply the Liquibase changelog (PostgresMigrations) first."
        : "";
    return new IllegalStateException(
        "Reading " + table + " from " + settings.redactedUrl() + " failed: " + e.getMessage() + "." + hint, e);
  }
}
