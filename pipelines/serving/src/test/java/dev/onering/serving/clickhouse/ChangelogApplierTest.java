package dev.onering.serving.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real changelog applied to the real engine, with Liquibase's parser. */
class ChangelogApplierTest {

  static final Path CHANGELOG = ChangelogApplier.locateDefaultChangelog();

  @TempDir Path dataDir;
  @TempDir Path scratch;
  ChDb db;

  @BeforeEach
  void open() {
    db = ChDb.open(dataDir);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void liquibaseReadsTheChangelogAsOneStatementPerChangeset() {
    List<ChangeSetSql> changeSets = ChangelogApplier.parse(CHANGELOG);
    assertThat(changeSets).extracting(ChangeSetSql::id)
        .containsExactly("silver-001-database", "silver-002-trades", "silver-003-bars_1m",
            "silver-004-batch_stats", "silver-005-alerts");
    assertThat(changeSets).allSatisfy(cs -> {
      assertThat(cs.author()).isEqualTo("onering");
      assertThat(cs.filename()).isEqualTo("changelog.sql");
      assertThat(cs.checksum()).startsWith("9:");
      assertThat(cs.statements()).hasSize(1);
    });
  }

  @Test
  void theTablesMatchTheDataModel() {
    assertThat(new ChangelogApplier(db).apply(CHANGELOG)).isEqualTo(5);
    // Written from docs/data-model.md, not read from the changelog.
    assertThat(columns("trades")).containsExactly(
        Map.entry("symbol", "LowCardinality(String)"),
        Map.entry("seq", "Int64"),
        Map.entry("event_time", "DateTime64(6, 'UTC')"),
        Map.entry("trade_date", "Date"),
        Map.entry("price", "Float64"),
        Map.entry("size", "Float64"),
        Map.entry("side", "LowCardinality(String)"),
        Map.entry("exchange", "LowCardinality(String)"));
    assertThat(columns("bars_1m")).containsExactly(
        Map.entry("symbol", "LowCardinality(String)"),
        Map.entry("bar_start", "DateTime64(6, 'UTC')"),
        Map.entry("trade_date", "Date"),
        Map.entry("open", "Float64"),
        Map.entry("high", "Float64"),
        Map.entry("low", "Float64"),
        Map.entry("close", "Float64"),
        Map.entry("volume", "Float64"),
        Map.entry("notional", "Float64"),
        Map.entry("vwap", "Float64"),
        Map.entry("trade_count", "Int64"));
    for (String table : List.of("trades", "bars_1m")) {
      Map<String, Object> t = db.rows("SELECT engine, partition_key, sorting_key FROM system.tables"
          + " WHERE database = 'silver' AND name = '" + table + "'").get(0);
      assertThat(t.get("engine")).isEqualTo("ReplacingMergeTree");
      assertThat(t.get("partition_key")).isEqualTo("trade_date");
      assertThat(t.get("sorting_key"))
          .isEqualTo(table.equals("trades") ? "symbol, seq" : "symbol, bar_start");
    }
  }

  @Test
  void applyingTwiceChangesNothing() {
    ChangelogApplier applier = new ChangelogApplier(db);
    assertThat(applier.apply(CHANGELOG)).isEqualTo(5);
    String schemaBefore = schema();
    List<Map<String, Object>> recordBefore = tracking();

    assertThat(applier.apply(CHANGELOG)).isZero();

    assertThat(schema()).isEqualTo(schemaBefore);
    assertThat(tracking()).isEqualTo(recordBefore);
    assertThat(recordBefore).extracting(r -> r.get("ID"))
        .containsExactly("silver-001-database", "silver-002-trades", "silver-003-bars_1m",
            "silver-004-batch_stats", "silver-005-alerts");
    assertThat(recordBefore).extracting(r -> r.get("EXECTYPE")).containsOnly("EXECUTED");
  }

  @Test
  void anEditedAppliedChangesetFailsNamingIt() throws IOException {
    Path copy = scratch.resolve("changelog.sql");
    Files.copy(CHANGELOG, copy);
    new ChangelogApplier(db).apply(copy);
    String schemaBefore = schema();

    String text = Files.readString(copy);
    Files.writeString(copy, text.replace("price      Float64", "price      Float32"));

    assertThatThrownBy(() -> new ChangelogApplier(db).apply(copy))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("silver-002-trades")
        .hasMessageContaining("onering")
        .hasMessageContaining("edited");
    assertThat(schema()).isEqualTo(schemaBefore);
  }

  @Test
  void aNewChangesetIsAppliedAloneAndRecordedInOrder() throws IOException {
    Path copy = scratch.resolve("changelog.sql");
    Files.copy(CHANGELOG, copy);
    ChangelogApplier applier = new ChangelogApplier(db);
    applier.apply(copy);
    Files.writeString(copy, Files.readString(copy) + """

        --changeset test:extra-1
        -- a comment line inside the changeset
        ALTER TABLE silver.trades ADD COLUMN IF NOT EXISTS venue_id UInt16 DEFAULT 0;
        -- a comment after the last statement
        """);

    assertThat(applier.apply(copy)).isEqualTo(1);
    assertThat(applier.apply(copy)).isZero();
    assertThat(db.scalarLong("SELECT count() FROM system.columns WHERE database = 'silver'"
        + " AND table = 'trades' AND name = 'venue_id'")).isEqualTo(1L);
    assertThat(tracking()).extracting(r -> r.get("ID") + "@" + r.get("ORDEREXECUTED"))
        .containsExactly("silver-001-database@1", "silver-002-trades@2", "silver-003-bars_1m@3",
            "silver-004-batch_stats@4", "silver-005-alerts@5", "extra-1@6");
  }

  @Test
  void aChangesetForAnotherDatabaseIsSkipped() throws IOException {
    Path copy = scratch.resolve("changelog.sql");
    Files.writeString(copy, """
        --liquibase formatted sql

        --changeset test:pg-only dbms:postgresql
        CREATE SCHEMA gold;

        --changeset test:ch-only dbms:clickhouse
        CREATE DATABASE IF NOT EXISTS only_here;
        """);
    assertThat(new ChangelogApplier(db).apply(copy)).isEqualTo(1);
    assertThat(tracking()).extracting(r -> r.get("ID")).containsExactly("ch-only");
  }

  private Map<String, String> columns(String table) {
    Map<String, String> columns = new LinkedHashMap<>();
    for (Map<String, Object> r : db.rows("SELECT name, type FROM system.columns"
        + " WHERE database = 'silver' AND table = '" + table + "' ORDER BY position")) {
      columns.put((String) r.get("name"), (String) r.get("type"));
    }
    return columns;
  }

  private String schema() {
    return db.query("SELECT name, create_table_query FROM system.tables"
        + " WHERE database = 'silver' ORDER BY name", "TSV");
  }

  private List<Map<String, Object>> tracking() {
    return db.rows("SELECT ID, AUTHOR, FILENAME, MD5SUM, EXECTYPE, ORDEREXECUTED,"
        + " toString(DATEEXECUTED) AS at FROM " + ChangelogApplier.TRACKING_TABLE
        + " FINAL ORDER BY ORDEREXECUTED");
  }
}
