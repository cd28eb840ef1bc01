package dev.onering.serving.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresConnectionTest {

  @Test
  void theStacksEnvironmentWins() {
    Map<String, String> env = Map.of(
        "ONERING_PG_URL", "jdbc:postgresql://postgres:5432/onering",
        "ONERING_PG_USER", "onering",
        "ONERING_PG_PASSWORD", "s3cret");
    assertThat(PostgresConnection.fromEnvironment(env)).contains(
        new PostgresConnection("jdbc:postgresql://postgres:5432/onering", "onering", "s3cret"));
  }

  @Test
  void noUrlMeansEmbedded() {
    assertThat(PostgresConnection.fromEnvironment(Map.of("ONERING_PG_USER", "onering"))).isEmpty();
    assertThat(PostgresConnection.fromEnvironment(Map.of("ONERING_PG_URL", "  "))).isEmpty();
  }

  @Test
  void aUrlThatIsNotPostgresIsRefusedNamingTheVariable() {
    assertThatThrownBy(() -> PostgresConnection.fromEnvironment(Map.of("ONERING_PG_URL", "postgres://x/y")))
        .hasMessageContaining("ONERING_PG_URL")
        .hasMessageContaining("postgres://x/y");
  }

  @Test
  void thePasswordNeverAppearsInToString() {
    assertThat(new PostgresConnection("jdbc:postgresql://h/db", "u", "s3cret").toString())
        .doesNotContain("s3cret")
        .contains("jdbc:postgresql://h/db");
    assertThat(new PostgresConnection("jdbc:postgresql://h/db?user=u&password=in-url", "u", null).toString())
        .doesNotContain("in-url")
        .contains("jdbc:postgresql://h/db?user=u&password=***");
  }

  @Test
  void aFailedConnectionNamesTheServerButNoPassword() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    PostgresConnection pg = new PostgresConnection("jdbc:postgresql://127.0.0.1:" + closed + "/onering?password=in-url",
        "onering", "hunter2-pg");
    assertThatThrownBy(pg::open)
        .hasMessageContaining("127.0.0.1:" + closed).hasMessageContaining(PostgresConnection.PASSWORD_ENV)
        .hasMessageNotContaining("in-url").hasMessageNotContaining("hunter2-pg");
  }
}
