package dev.onering.serving.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onering.serving.clickhouse.SilverParquet.Trade;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Silver store contract on a ClickHouse server over HTTP: {@link ClickHouseHttpSilverStore}
 * against {@link ChDbHttpFront}, ClickHouse's HTTP protocol in front of the real engine. Plus what
 * only the HTTP path has: credentials, an unreachable server, statements as sent on the wire.
 */
class ClickHouseHttpSilverStoreTest extends SilverStoreContract {

  static final String USER = "onering";
  static final String PASSWORD = "s3cret-for-tests";

  private ChDbHttpFront front;

  @Override
  Opened open(Path dataDir) {
    ChDb engine = ChDb.open(dataDir);
    ChDbHttpFront f = ChDbHttpFront.start(engine, USER, PASSWORD);
    front = f;
    ClickHouseHttpSilverStore store = ClickHouseHttpSilverStore.fromEnvironment(Map.of(
        ClickHouseHttp.URL_ENV, f.url().toString(),
        ClickHouseHttp.USER_ENV, USER,
        ClickHouseHttp.PASSWORD_ENV, PASSWORD)).orElseThrow();
    return new Opened(store, engine, () -> {
      store.close();
      f.close();
      engine.close();
    });
  }

  @Test
  void aDateTravelsAsParquetBodiesOnePerPartFile() {
    List<Trade> day1 = SilverParquet.trades(DAY1, 200, 21);
    Path folder = lake.path(SilverTable.TRADES.lakePartition(DAY1));
    SilverParquet.writeTrades(db, folder.resolve("part-00000.parquet"), day1.subList(0, 250));
    SilverParquet.writeTrades(db, folder.resolve("part-00001.parquet"), day1.subList(250, day1.size()));

    assertThat(store.replaceTradesPartition(lake, DAY1)).isEqualTo(day1.size());
    List<String> inserts = front.statements().stream().filter(s -> s.startsWith("INSERT INTO silver.trades")).toList();
    // The server reads nothing from the lake: each file is a request body through input().
    assertThat(inserts).hasSize(2).allSatisfy(s -> assertThat(s)
        .contains("FROM input('`symbol` Nullable(String), `seq` Nullable(Int64)")
        .contains("CAST(`price` AS Float64)")
        .endsWith("FORMAT Parquet"));
  }

  @Test
  void aWrongPasswordSaysWhichServerWhatFailedAndWhatToSet() {
    ClickHouseHttp wrong = new ClickHouseHttp(front.url(), USER, "not-the-password");
    assertThatThrownBy(() -> wrong.rows("SELECT count()\nFROM silver.trades"))
        .isInstanceOfSatisfying(ClickHouseException.class, e -> {
          assertThat(e.code()).isEqualTo(516);
          assertThat(e.getMessage())
              .contains("ClickHouse at " + front.url())
              .contains("`SELECT count() ...`")
              .contains("AUTHENTICATION_FAILED")
              .contains(ClickHouseHttp.USER_ENV).contains(ClickHouseHttp.PASSWORD_ENV)
              .doesNotContain("not-the-password");
        });
  }

  @Test
  void aRejectedStatementCarriesTheEnginesCodeAndMessage() {
    assertThatThrownBy(() -> store.rows("SELECT * FROM silver.no_such_table"))
        .isInstanceOfSatisfying(ClickHouseException.class, e -> {
          assertThat(e.code()).isEqualTo(60);
          assertThat(e.clickhouseMessage()).contains("UNKNOWN_TABLE");
          assertThat(e.getMessage()).contains("ClickHouse at " + front.url())
              .contains("`SELECT * FROM silver.no_such_table`")
              .contains("onering migrate");
          assertThat(e.sql()).isEqualTo("SELECT * FROM silver.no_such_table");
        });
  }

  @Test
  void aServersErrorNeverCarriesAStringLiteralOfTheStatement() {
    assertThatThrownBy(() -> store.rows("SELECT no_such_column, 'hunter2-literal' FROM system.one"))
        .isInstanceOfSatisfying(ClickHouseException.class, e -> {
          assertThat(e.getMessage()).doesNotContain("hunter2").contains("`SELECT no_such_column, '***' FROM system.one`");
          assertThat(e.clickhouseMessage()).doesNotContain("hunter2").contains("UNKNOWN_IDENTIFIER");
          assertThat(e.sql()).isEqualTo("SELECT no_such_column, '***' FROM system.one");
        });
  }

  @Test
  void anUnreachableServerSaysWhereItWasLookedFor() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    ClickHouseHttp nowhere = new ClickHouseHttp(URI.create("http://127.0.0.1:" + closedPort), USER, PASSWORD);
    assertThatThrownBy(() -> nowhere.execute("SELECT 1"))
        .isInstanceOf(ClickHouseException.class)
        .hasMessageContaining("ClickHouse at http://127.0.0.1:" + closedPort + "/")
        .hasMessageContaining("cannot connect")
        .hasMessageContaining(ClickHouseHttp.URL_ENV);
  }

  @Test
  void theUrlMustBeTheHttpInterface() {
    assertThat(ClickHouseHttp.fromEnvironment(Map.of())).isEmpty();
    assertThatThrownBy(() -> ClickHouseHttp.fromEnvironment(Map.of(ClickHouseHttp.URL_ENV, "tcp://clickhouse:9000")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(ClickHouseHttp.URL_ENV).hasMessageContaining("http://clickhouse:8123");
    assertThat(ClickHouseHttp.fromEnvironment(Map.of(ClickHouseHttp.URL_ENV, "http://ch:8123")).orElseThrow())
        .hasToString("ClickHouseHttp[http://ch:8123/, user default]");
  }
}
