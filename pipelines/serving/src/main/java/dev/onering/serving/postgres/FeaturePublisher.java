package dev.onering.serving.postgres;

import dev.onering.features.FeatureSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Replaces {@code gold.features_daily} with the feature table in one transaction, for Metabase:
 * readers see the previous rows until the commit. The columns are features.yaml's, in its order.
 */
public final class FeaturePublisher {
  private FeaturePublisher() {}

  /**
   * @param rows column name to value (String, LocalDate, Instant, Double, Integer or null), as the
   *     features step collected them
   * @return rows written
   */
  public static long replace(PostgresConnection settings, FeatureSpec spec, List<Map<String, Object>> rows) {
    List<String> columns = spec.columnNames();
    try (Connection c = settings.open()) {
      c.setAutoCommit(false);
      try {
        try (Statement s = c.createStatement()) {
          s.execute("SET LOCAL lock_timeout = '60s'");
          s.executeUpdate("DELETE FROM " + GoldTables.FEATURES_DAILY);
        }
        long n = GoldPublisher.copy(c, GoldTables.FEATURES_DAILY, columns, rows, (b, row) -> line(b, columns, row));
        c.commit();
        return n;
      } catch (SQLException | RuntimeException e) {
        GoldPublisher.rollbackQuietly(c, e);
        throw e;
      }
    } catch (SQLException e) {
      String hint = "42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState())
          ? " The table is missing: run the migrate step (onering migrate) first."
          : " Nothing was replaced; the previous rows stand.";
      throw new IllegalStateException("writing " + GoldTables.FEATURES_DAILY + " at " + settings.url() + " failed: "
          + e.getMessage() + "." + hint, e);
    }
  }

  private static void line(StringBuilder b, List<String> columns, Map<String, Object> row) {
    for (int i = 0; i < columns.size(); i++) {
      Object v = row.get(columns.get(i));
      if (v == null) {
        b.append("\\N");
      } else if (v instanceof Number n) {
        GoldPublisher.num(b, n);
      } else if (v instanceof LocalDate d) {
        GoldPublisher.date(b, d);
      } else if (v instanceof Instant t) {
        b.append(t); // ISO 8601 with Z: read as UTC whatever the session's time zone
      } else {
        GoldPublisher.text(b, v.toString());
      }
      b.append(i == columns.size() - 1 ? '\n' : '\t');
    }
  }
}
