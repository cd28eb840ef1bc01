package dev.onering.stream.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onering.serving.clickhouse.ChDb;
import dev.onering.serving.clickhouse.ChDbHttpFront;
import dev.onering.serving.clickhouse.ClickHouseException;
import dev.onering.serving.clickhouse.ClickHouseHttp;
import dev.onering.serving.clickhouse.SilverStore;
import dev.onering.stream.StreamEnv;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink's two ClickHouse targets, and where a server's credentials come from. */
class SilverStoreTargetTest {

  @Test
  void aTargetIsAServerUrlOrAnEmbeddedDataDirectory() {
    assertThat(SilverStoreTarget.parse("http://clickhouse:8123"))
        .isEqualTo(SilverStoreTarget.server(URI.create("http://clickhouse:8123")));
    assertThat(SilverStoreTarget.parse("https://ch.example:8443/").isServer()).isTrue();
    assertThat(SilverStoreTarget.parse("chdb:data/chdb")).isEqualTo(SilverStoreTarget.chdb(Path.of("data/chdb")));
    assertThat(SilverStoreTarget.parse("chdb:data/chdb").chdbDataDir()).as("absolute: the job may run elsewhere")
        .isEqualTo(Path.of("data/chdb").toAbsolutePath().toString());
    assertThat(SilverStoreTarget.server(URI.create("http://clickhouse:8123"))).hasToString("ClickHouse at http://clickhouse:8123");
    for (String wrong : new String[] {"clickhouse:8123", "tcp://clickhouse:9000", "chdb:", ""}) {
      assertThatThrownBy(() -> SilverStoreTarget.parse(wrong)).as(wrong)
          .hasMessageContaining("http://clickhouse:8123").hasMessageContaining("chdb:");
    }
  }

  @Test
  void aServerIsOpenedWithTheCredentialsOfTheProcessThatOpensIt(@TempDir Path dir) {
    try (ChDb engine = ChDb.open(dir); ChDbHttpFront front = ChDbHttpFront.start(engine, "onering", "task-manager-secret")) {
      SilverStoreTarget target = SilverStoreTarget.server(front.url());
      try (SilverStore store = target.open(StreamEnv.of(Map.of(ClickHouseHttp.USER_ENV, "onering",
          ClickHouseHttp.PASSWORD_ENV, "task-manager-secret")))) {
        assertThat(((Number) store.rows("SELECT 41 + 1 AS answer").get(0).get("answer")).longValue()).isEqualTo(42);
        assertThat(store.location()).isEqualTo("ClickHouse at " + front.url());
      }
      // Without them, ClickHouse's default user, which this server refuses: the error says what to set.
      try (SilverStore anonymous = target.open(StreamEnv.of(Map.of()))) {
        assertThatThrownBy(() -> anonymous.rows("SELECT 1"))
            .isInstanceOfSatisfying(ClickHouseException.class, e -> assertThat(e.code()).isEqualTo(516))
            .hasMessageContaining(ClickHouseHttp.USER_ENV).hasMessageContaining(ClickHouseHttp.PASSWORD_ENV);
      }
    }
  }
}
