package dev.onering.spark;

import dev.onering.lake.Lake;
import dev.onering.spark.lake.LakeTables;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * One local[2] session per test class, as Iceberg's TestBase does, with small helpers; and a real
 * Postgres for the Iceberg catalog, as the embedded runtime has.
 */
public abstract class SparkTestBase {
  protected static SparkSession spark;
  protected static EmbeddedPostgres postgres;
  private static final AtomicInteger CATALOGS = new AtomicInteger();

  @BeforeAll
  static void startSpark() throws IOException {
    System.setProperty("onering.spark.cores", "2");
    spark = Spark.session("onering-test");
    postgres = EmbeddedPostgres.start();
  }

  @AfterAll
  static void stopSpark() throws IOException {
    if (spark != null) {
      spark.stop();
      spark = null;
    }
    if (postgres != null) {
      postgres.close();
      postgres = null;
    }
  }

  /** The catalog URL of the test's Postgres (its {@code postgres} database). */
  protected static String catalogUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  /**
   * The lake's tables under a catalog name of their own, registered in the session: each lake of a
   * test is a separate set of tables, though they share one database and one session.
   */
  protected static LakeTables tables(Lake lake) {
    LakeTables t = new LakeTables("t" + CATALOGS.incrementAndGet(), catalogUrl(), "postgres", null, lake, Map.of());
    t.register(spark);
    return t;
  }

  /** Rows as a count and an order-independent sum of row hashes, computed by Spark. */
  protected record Fingerprint(long count, java.math.BigDecimal hash) {}

  protected static Fingerprint fingerprint(LakeTables tables, LakeTables.Id id) {
    return fingerprint(tables, id, LakeTables.MAIN);
  }

  protected static Fingerprint fingerprint(LakeTables tables, LakeTables.Id id, String ref) {
    var t = spark.table(tables.sparkName(id, ref));
    org.apache.spark.sql.Column[] all = java.util.Arrays.stream(t.columns()).map(org.apache.spark.sql.functions::col)
        .toArray(org.apache.spark.sql.Column[]::new);
    Row r = t.select(org.apache.spark.sql.functions.xxhash64(all).cast("decimal(38,0)").as("h"))
        .agg(org.apache.spark.sql.functions.count("h"), org.apache.spark.sql.functions.sum("h")).first();
    return new Fingerprint(r.getLong(0), r.isNullAt(1) ? java.math.BigDecimal.ZERO : r.getDecimal(1));
  }

  /** The Parquet files under the table's data folder, committed or not. */
  protected static java.util.Set<String> files(Lake lake, LakeTables.Id id) throws java.io.IOException {
    java.nio.file.Path data = lake.path(id.folder()).resolve("data");
    if (!java.nio.file.Files.exists(data)) {
      return java.util.Set.of();
    }
    try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.walk(data)) {
      return s.filter(p -> p.toString().endsWith(".parquet")).map(java.nio.file.Path::toString).collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
    }
  }

  protected static List<Row> sql(String query, Object... args) {
    return spark.sql(String.format(query, args)).collectAsList();
  }
}
