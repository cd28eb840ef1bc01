package dev.onering.serving.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onering.lake.S3Endpoint;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JNA binding on the real engine. Each test opens and closes its own data directory. */
class ChDbTest {

  @TempDir Path dir;

  @Test
  void queriesReturnTheEngineOutput() {
    try (ChDb db = ChDb.open(dir)) {
      assertThat(db.query("SELECT 1 + 1 AS two", "CSV")).isEqualTo("2\n");
      assertThat(db.scalarLong("SELECT sum(number) FROM numbers(101)")).isEqualTo(5050L);
      assertThat(ChDb.version()).startsWith("26.7");
    }
  }

  @Test
  void rowsKeepColumnOrderAndJsonTypes() {
    try (ChDb db = ChDb.open(dir)) {
      List<Map<String, Object>> rows = db.rows(
          "SELECT toInt64(9007199254740993) AS big, 'é''x' AS s, 1.5 AS f, toDate('2026-01-05') AS d,"
              + " CAST(NULL AS Nullable(Int32)) AS n FROM numbers(2)");
      assertThat(rows).hasSize(2);
      assertThat(rows.get(0).keySet()).containsExactly("big", "s", "f", "d", "n");
      // 2^53 + 1 survives only if Int64 arrives as a JSON number parsed to Long, not a double.
      assertThat(rows.get(0).get("big")).isEqualTo(9007199254740993L);
      assertThat(rows.get(0).get("s")).isEqualTo("é'x");
      assertThat(rows.get(0).get("f")).isEqualTo(1.5);
      assertThat(rows.get(0).get("d")).isEqualTo("2026-01-05");
      assertThat(rows.get(0).get("n")).isNull();
      assertThat(db.rows("SELECT 1 WHERE 0")).isEmpty();
    }
  }

  @Test
  void anErrorCarriesTheClickHouseMessageAndTheSql() {
    try (ChDb db = ChDb.open(dir)) {
      String sql = "SELECT * FROM silver.no_such_table";
      assertThatThrownBy(() -> db.execute(sql))
          .isInstanceOfSatisfying(ChDbException.class, e -> {
            assertThat(e.sql()).isEqualTo(sql);
            assertThat(e.clickhouseMessage()).contains("UNKNOWN_DATABASE");
            assertThat(e.code()).isEqualTo(81);
            assertThat(e.getMessage()).contains(sql).contains("UNKNOWN_DATABASE");
          });
      // The connection survives a failed statement.
      assertThat(db.scalarLong("SELECT 7")).isEqualTo(7L);
    }
  }

  @Test
  void quotingSurvivesQuotesAndBackslashes() {
    String nasty = "it's a \\ path\\'; DROP";
    try (ChDb db = ChDb.open(dir)) {
      assertThat(db.rows("SELECT " + ChDb.quote(nasty) + " AS v").get(0).get("v")).isEqualTo(nasty);
    }
  }

  @Test
  void dateTime64MicrosecondsRoundTrip() {
    // Microsecond instants chosen to catch truncation to millis and time-zone shifts.
    List<Instant> instants = List.of(
        Instant.parse("2026-09-01T13:30:00.123456Z"),
        Instant.parse("1999-12-31T23:59:59.999999Z"),
        Instant.parse("2026-03-29T01:00:00.000001Z"));
    try (ChDb db = ChDb.open(dir)) {
      db.execute("CREATE TABLE t (i UInt8, ts DateTime64(6, 'UTC')) ENGINE = MergeTree ORDER BY i");
      for (int i = 0; i < instants.size(); i++) {
        db.execute("INSERT INTO t VALUES (" + i + ", fromUnixTimestamp64Micro("
            + micros(instants.get(i)) + ", 'UTC'))");
      }
      List<Map<String, Object>> rows =
          db.rows("SELECT i, toUnixTimestamp64Micro(ts) AS us, toString(ts) AS text FROM t ORDER BY i");
      for (int i = 0; i < instants.size(); i++) {
        Instant expected = instants.get(i);
        assertThat(((Number) rows.get(i).get("us")).longValue()).isEqualTo(micros(expected));
        assertThat(rows.get(i).get("text"))
            .isEqualTo(expected.toString().replace('T', ' ').replace("Z", ""));
      }
    }
  }

  @Test
  void handlesOnOneDirectoryShareTheEngine() {
    try (ChDb first = ChDb.open(dir); ChDb second = ChDb.open(dir)) {
      first.execute("CREATE TABLE shared (x Int32) ENGINE = MergeTree ORDER BY x");
      second.execute("INSERT INTO shared VALUES (1), (2)");
      assertThat(first.scalarLong("SELECT count() FROM shared")).isEqualTo(2L);
      second.close();
      // Closing one handle leaves the other working.
      assertThat(first.scalarLong("SELECT count() FROM shared")).isEqualTo(2L);
      assertThatThrownBy(() -> second.execute("SELECT 1"))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
  }

  @Test
  void anotherDirectoryIsRefusedWhileOneIsOpenAndAcceptedAfter(@TempDir Path other) {
    try (ChDb db = ChDb.open(dir)) {
      db.execute("CREATE TABLE marker (x Int32) ENGINE = MergeTree ORDER BY x");
      assertThatThrownBy(() -> ChDb.open(other))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("one data directory per process")
          .hasMessageContaining(other.toString())
          .hasMessageContaining(dir.toString());
    }
    try (ChDb db = ChDb.open(other)) {
      assertThat(db.scalarLong("SELECT count() FROM system.tables WHERE name = 'marker'"))
          .isZero();
    }
    // Data persists in the first directory across close and reopen.
    try (ChDb db = ChDb.open(dir)) {
      assertThat(db.scalarLong("SELECT count() FROM system.tables WHERE name = 'marker'"))
          .isEqualTo(1L);
    }
  }

  @Test
  void anErrorNeverCarriesAStringLiteralOfTheStatement() {
    try (ChDb db = ChDb.open(dir)) {
      // The analyzer quotes the whole statement ("In scope SELECT ..."), a syntax error a piece of it.
      for (String sql : List.of("SELECT no_such_column, 'hunter2-literal' FROM system.one",
          "SELECT s3('http://127.0.0.1:9/b/k', 'AKIA', 'hunter2-literal', 'LineAsString') FROM FROM")) {
        assertThatThrownBy(() -> db.execute(sql))
            .isInstanceOfSatisfying(ChDbException.class, e -> {
              assertThat(e.getMessage()).doesNotContain("hunter2").contains("'***'");
              assertThat(e.clickhouseMessage()).doesNotContain("hunter2").contains("Code: ");
              assertThat(e.sql()).isEqualTo(dev.onering.pipeline.Redaction.sqlLiterals(sql));
            });
      }
    }
  }

  @Test
  void theEngineTakesItsConfigurationAtConnectKeepsItsSecretsAndRefusesAnother() {
    S3Endpoint s3 = new S3Endpoint("http://127.0.0.1:9", "onering", "hunter2-in-config", "us-east-1", true);
    try (ChDb db = ChDb.open(dir, null, LakeCollection.chdbConfig(s3))) {
      List<Map<String, Object>> collections = db.rows("SELECT name, toString(collection) AS c FROM system.named_collections");
      assertThat(collections).extracting(r -> r.get("name")).containsExactly(LakeCollection.NAME);
      assertThat(collections.get(0).get("c").toString()).doesNotContain("hunter2").contains("HIDDEN");
      // Joining without configuration is fine; with another one is refused, naming keys, not values.
      try (ChDb plain = ChDb.open(dir)) {
        assertThat(plain.scalarLong("SELECT count() FROM system.named_collections")).isEqualTo(1L);
      }
      S3Endpoint other = new S3Endpoint("http://127.0.0.1:9", "onering", "hunter3-other", "us-east-1", true);
      assertThatThrownBy(() -> ChDb.open(dir, null, LakeCollection.chdbConfig(other)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("named_collections." + LakeCollection.NAME + ".secret_access_key")
          .hasMessageNotContaining("hunter");
    }
    // Closed, the next connect takes a new configuration.
    try (ChDb db = ChDb.open(dir)) {
      assertThat(db.scalarLong("SELECT count() FROM system.named_collections")).isZero();
    }
  }

  @Test
  void aLakeFileIsNamedThroughTheCollectionWithoutAKey() {
    assertThat(LakeCollection.s3("bronze/ticks/date=2026-09-01/*.jsonl", "LineAsString", null))
        .isEqualTo("s3(onering_lake, filename = 'bronze/ticks/date=2026-09-01/*.jsonl', format = 'LineAsString')");
    assertThat(LakeCollection.s3("lake/silver/x.parquet", "Parquet", "a Int64"))
        .endsWith(", format = 'Parquet', structure = 'a Int64')");
    // A leading slash would make ClickHouse replace the collection's URL instead of extending it.
    assertThatThrownBy(() -> LakeCollection.s3("/bronze/x", "LineAsString", null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LakeCollection.chdbConfig(new S3Endpoint("http://m:9000", null, null, "us-east-1", true)))
        .hasMessageContaining(S3Endpoint.SECRET_KEY_ENV);
  }

  @Test
  void aMissingLibraryNamesTheInstallScript() {
    String previous = System.getProperty(ChDb.LIB_PROPERTY);
    System.setProperty(ChDb.LIB_PROPERTY, dir.resolve("nowhere/libchdb.so").toString());
    try {
      assertThatThrownBy(ChDb::locateLibrary)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("ops/scripts/install-chdb.sh");
    } finally {
      if (previous == null) {
        System.clearProperty(ChDb.LIB_PROPERTY);
      } else {
        System.setProperty(ChDb.LIB_PROPERTY, previous);
      }
    }
  }

  static long micros(Instant instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
  }
}
