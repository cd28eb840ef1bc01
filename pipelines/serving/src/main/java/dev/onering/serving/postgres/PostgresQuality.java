package dev.onering.serving.postgres;

import dev.onering.quality.Dialect;
import dev.onering.quality.ExpectationResult;
import dev.onering.quality.ExpectationSuite;
import dev.onering.quality.QualityGate;
import dev.onering.quality.Severity;
import dev.onering.quality.SuiteResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The quality gate's side of Postgres: runs the gate's check queries on Gold, and records every
 * suite's results in {@code gold.quality_results} for dashboards.
 */
public final class PostgresQuality {
  private PostgresQuality() {}

  public static final String RESULTS_TABLE = "gold.quality_results";

  /** Rows of a query, column label to value, for {@link dev.onering.quality.QualityGate.Sql}. */
  public static List<Map<String, Object>> rows(PostgresConnection pg, String sql) throws SQLException {
    try (Connection c = pg.open()) {
      return read(c, sql);
    }
  }

  /**
   * Rows of a query inside an open transaction (a publish being checked before commit). A failing
   * query rolls back to a savepoint: Postgres would otherwise refuse every later statement of the
   * transaction, and one broken check must not turn into all of them failing.
   */
  public static List<Map<String, Object>> rowsInTransaction(Connection c, String sql) throws SQLException {
    Savepoint sp = c.setSavepoint();
    try {
      List<Map<String, Object>> out = read(c, sql);
      c.releaseSavepoint(sp);
      return out;
    } catch (SQLException e) {
      c.rollback(sp);
      throw e;
    }
  }

  private static List<Map<String, Object>> read(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      List<Map<String, Object>> out = new ArrayList<>();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.put(md.getColumnLabel(i), rs.getObject(i));
        }
        out.add(row);
      }
      return out;
    }
  }

  /** Gold that failed a critical expectation before its publish was committed; nothing of it is visible. */
  public static final class GoldRejectedException extends RuntimeException {
    public GoldRejectedException(List<String> failures) {
      super(failures.size() + " critical Gold expectation(s) failed, so the publish was rolled back and the previous "
          + "Gold is unchanged: " + String.join("; ", failures) + ". Fix the cause upstream and run gold and "
          + "publish-gold again; details in " + RESULTS_TABLE + " and the run report.");
    }
  }

  /**
   * The quality gate on Gold, for {@link GoldPublisher#publish(PostgresConnection, String, List, List,
   * GoldPublisher.BeforeCommit)}: validates the suites on the new, uncommitted Gold, adds the
   * results to {@code results}, and refuses the publish when a critical expectation failed.
   */
  public static GoldPublisher.BeforeCommit gate(List<ExpectationSuite> suites, Map<String, Object> meta,
      List<SuiteResult> results) {
    return c -> {
      for (ExpectationSuite s : suites) {
        results.add(QualityGate.validate(s, s.asset(), Dialect.POSTGRES, sql -> rowsInTransaction(c, sql), Map.of(),
            meta));
      }
      List<String> failed = SuiteResult.describeFailures(results, Severity.critical);
      if (!failed.isEmpty()) {
        throw new GoldRejectedException(failed);
      }
    };
  }

  /**
   * Replaces this run's rows for these suites, in one transaction, so re-running a gate within a
   * run leaves one row per expectation and a dashboard never sees half a suite.
   */
  public static int record(PostgresConnection pg, String runId, List<SuiteResult> suites, Instant at)
      throws SQLException {
    int n = 0;
    try (Connection c = pg.open()) {
      c.setAutoCommit(false);
      try (PreparedStatement del = c.prepareStatement("DELETE FROM " + RESULTS_TABLE + " WHERE run_id = ? AND suite = ?");
          PreparedStatement ins = c.prepareStatement("INSERT INTO " + RESULTS_TABLE
              + " (run_id, suite, expectation, expectation_type, column_name, severity, success, observed_value,"
              + " unexpected_count, evaluated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (SuiteResult s : suites) {
          del.setString(1, runId);
          del.setString(2, s.suiteName());
          del.executeUpdate();
          for (ExpectationResult r : s.results()) {
            ins.setString(1, runId);
            ins.setString(2, s.suiteName());
            ins.setString(3, r.expectationConfig().id());
            ins.setString(4, r.expectationConfig().type());
            ins.setString(5, r.expectationConfig().column());
            ins.setString(6, r.severity().name());
            ins.setBoolean(7, r.success());
            ins.setString(8, r.observedText());
            if (r.unexpectedCount() == null) {
              ins.setNull(9, Types.BIGINT);
            } else {
              ins.setLong(9, r.unexpectedCount());
            }
            ins.setTimestamp(10, Timestamp.from(at));
            ins.addBatch();
            n++;
          }
        }
        ins.executeBatch();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw new SQLException("recording quality results of run " + runId + " in " + RESULTS_TABLE
            + " failed (has migrate run?): " + e.getMessage(), e.getSQLState(), e);
      }
    }
    return n;
  }
}
