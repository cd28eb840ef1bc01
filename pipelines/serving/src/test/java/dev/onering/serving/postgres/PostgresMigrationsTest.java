package dev.onering.serving.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

class PostgresMigrationsTest {

  @TempDir static Path dataDir;
  static EmbeddedPostgresServer server;

  @BeforeAll
  static void start() throws Exception {
    server = EmbeddedPostgresServer.start(dataDir, 0);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void appliesEveryChangesetOnceAndASecondApplyChangesNothing() throws Exception {
    PostgresConnection db = PostgresTestSupport.freshDatabase(server, "migrations_twice");

    int first = PostgresMigrations.apply(db, PostgresTestSupport.changelog());
    List<List<Object>> schemaAfterFirst = schemaSnapshot(db);
    int second = PostgresMigrations.apply(db, PostgresTestSupport.changelog());

    // Counted from the YAML itself, not from Liquibase.
    assertThat(first).isEqualTo(changeSetsInChangelog()).isEqualTo(6);
    assertThat(rows(db, "SELECT count(*) FROM databasechangelog")).containsExactly(List.of((long) first));
    assertThat(second).isZero();
    assertThat(schemaSnapshot(db)).isEqualTo(schemaAfterFirst);
  }

  @Test
  void dailyBarsMatchesTheDataModelContract() throws Exception {
    PostgresConnection db = migrated("contract_daily");
    assertThat(columns(db, "daily_bars")).containsExactly(
        List.of("symbol", "text", "NO"),
        List.of("trade_date", "date", "NO"),
        List.of("exchange", "text", "NO"),
        List.of("asset_class", "text", "NO"),
        List.of("source", "text", "NO"),
        List.of("open", "double precision", "NO"),
        List.of("high", "double precision", "NO"),
        List.of("low", "double precision", "NO"),
        List.of("close", "double precision", "NO"),
        List.of("volume", "double precision", "NO"),
        List.of("vwap", "double precision", "YES"),
        List.of("trade_count", "bigint", "YES"),
        List.of("return_simple", "double precision", "YES"),
        List.of("return_log", "double precision", "YES"),
        List.of("sma_20", "double precision", "YES"),
        List.of("sd_20", "double precision", "YES"),
        List.of("zscore_20", "double precision", "YES"),
        List.of("rv_20", "double precision", "YES"),
        List.of("rsi_14", "double precision", "YES"));
    assertThat(primaryKey(db, "daily_bars")).containsExactly("symbol", "trade_date");
  }

  @Test
  void instrumentSummaryMatchesTheDataModelContract() throws Exception {
    PostgresConnection db = migrated("contract_summary");
    assertThat(columns(db, "instrument_summary")).containsExactly(
        List.of("symbol", "text", "NO"),
        List.of("exchange", "text", "NO"),
        List.of("asset_class", "text", "NO"),
        List.of("source", "text", "NO"),
        List.of("first_date", "date", "NO"),
        List.of("last_date", "date", "NO"),
        List.of("trading_days", "integer", "NO"),
        List.of("first_open", "double precision", "NO"),
        List.of("last_close", "double precision", "NO"),
        List.of("period_return", "double precision", "NO"),
        List.of("high", "double precision", "NO"),
        List.of("low", "double precision", "NO"),
        List.of("total_volume", "double precision", "NO"),
        List.of("avg_daily_volume", "double precision", "NO"),
        List.of("total_trades", "bigint", "YES"),
        List.of("annualised_vol", "double precision", "YES"),
        List.of("max_drawdown", "double precision", "NO"),
        List.of("last_zscore_20", "double precision", "YES"),
        List.of("last_rsi_14", "double precision", "YES"));
    assertThat(primaryKey(db, "instrument_summary")).containsExactly("symbol");
  }

  @Test
  void auditAndQualityTablesExistWithTheirKeysAndIndexes() throws Exception {
    PostgresConnection db = migrated("contract_audit");
    assertThat(columns(db, "publications")).containsExactly(
        List.of("publication_id", "bigint", "NO"),
        List.of("table_name", "text", "NO"),
        List.of("published_at", "timestamp with time zone", "NO"),
        List.of("run_id", "text", "NO"),
        List.of("row_count", "bigint", "NO"));
    assertThat(primaryKey(db, "publications")).containsExactly("publication_id", "table_name");
    assertThat(columns(db, "quality_results")).containsExactly(
        List.of("run_id", "text", "NO"),
        List.of("suite", "text", "NO"),
        List.of("expectation", "text", "NO"),
        List.of("expectation_type", "text", "NO"),
        List.of("column_name", "text", "YES"),
        List.of("severity", "text", "NO"),
        List.of("success", "boolean", "NO"),
        List.of("observed_value", "text", "YES"),
        List.of("unexpected_count", "bigint", "YES"),
        List.of("evaluated_at", "timestamp with time zone", "NO"));
    assertThat(rows(db, "SELECT indexdef FROM pg_indexes WHERE schemaname = 'gold'"
        + " AND tablename = 'quality_results'"))
        .extracting(r -> (String) r.get(0))
        .anySatisfy(def -> assertThat(def).contains("(run_id)"));
  }

  @Test
  void everyGoldTableAndColumnCarriesAComment() throws Exception {
    PostgresConnection db = migrated("contract_comments");
    List<List<Object>> uncommented = rows(db,
        "SELECT c.relname, a.attname FROM pg_attribute a"
            + " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = 'gold' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped"
            + " AND col_description(c.oid, a.attnum) IS NULL");
    assertThat(uncommented).isEmpty();
    assertThat(rows(db, "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE n.nspname = 'gold' AND c.relkind = 'r' AND obj_description(c.oid, 'pg_class') IS NULL"))
        .isEmpty();
  }

  @Test
  void theContractsEnumeratedValuesAreEnforced() throws Exception {
    PostgresConnection db = migrated("contract_checks");
    assertThatThrownBy(() -> PostgresTestSupport.execute(db,
        "INSERT INTO gold.daily_bars (symbol, trade_date, exchange, asset_class, source, open, high, low, close, volume)"
            + " VALUES ('X', DATE '2026-09-01', 'XNAS', 'fx', 'ticks', 1, 1, 1, 1, 1)"))
        .hasMessageContaining("daily_bars_asset_class_ck");
  }

  @Test
  void aMissingChangelogIsReportedWithItsPath(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> PostgresMigrations.apply(server.connection(), missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(missing.toString());
  }

  private static PostgresConnection migrated(String name) throws SQLException {
    PostgresConnection db = PostgresTestSupport.freshDatabase(server, name);
    PostgresMigrations.apply(db, PostgresTestSupport.changelog());
    return db;
  }

  private static int changeSetsInChangelog() throws Exception {
    try (InputStream in = Files.newInputStream(PostgresTestSupport.changelog())) {
      Map<String, List<Map<String, Object>>> doc = new Yaml().load(in);
      return (int) doc.get("databaseChangeLog").stream().filter(e -> e.containsKey("changeSet")).count();
    }
  }

  /** Everything about schema gold that a changeset could alter: columns, constraints, indexes, comments. */
  private static List<List<Object>> schemaSnapshot(PostgresConnection db) throws SQLException {
    List<List<Object>> all = new ArrayList<>();
    all.addAll(rows(db, "SELECT table_name, column_name, ordinal_position, data_type, is_nullable,"
        + " column_default FROM information_schema.columns WHERE table_schema = 'gold'"
        + " ORDER BY table_name, ordinal_position"));
    all.addAll(rows(db, "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
        + " FROM pg_constraint WHERE connamespace = 'gold'::regnamespace ORDER BY 1, 2"));
    all.addAll(rows(db, "SELECT tablename, indexname, indexdef FROM pg_indexes"
        + " WHERE schemaname = 'gold' ORDER BY 1, 2"));
    all.addAll(rows(db, "SELECT c.relname, a.attname, col_description(c.oid, a.attnum) FROM pg_attribute a"
        + " JOIN pg_class c ON c.oid = a.attrelid WHERE c.relnamespace = 'gold'::regnamespace"
        + " AND a.attnum > 0 ORDER BY 1, 2"));
    return all;
  }

  private static List<List<Object>> columns(PostgresConnection db, String table) throws SQLException {
    return rows(db, "SELECT column_name, data_type, is_nullable FROM information_schema.columns"
        + " WHERE table_schema = 'gold' AND table_name = '" + table + "' ORDER BY ordinal_position");
  }

  private static List<String> primaryKey(PostgresConnection db, String table) throws SQLException {
    return rows(db, "SELECT k.column_name FROM information_schema.table_constraints t"
        + " JOIN information_schema.key_column_usage k ON k.constraint_name = t.constraint_name"
        + " AND k.table_schema = t.table_schema"
        + " WHERE t.table_schema = 'gold' AND t.table_name = '" + table + "'"
        + " AND t.constraint_type = 'PRIMARY KEY' ORDER BY k.ordinal_position")
        .stream().map(r -> (String) r.get(0)).toList();
  }

  static List<List<Object>> rows(PostgresConnection db, String sql) throws SQLException {
    List<List<Object>> out = new ArrayList<>();
    try (Connection c = db.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.add(rs.getObject(i));
        }
        out.add(row);
      }
    }
    return out;
  }
}
