package dev.onering.serving.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.serving.ServerArgs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the native stack's ClickHouse server adds to the front the tests use: the logins a
 * ClickHouse server accepts besides the headers (basic authentication, as `make smoke` and
 * browsers send it; the user and password parameters), {@code /ping} for readiness, and its
 * options.
 */
class ChDbHttpServerTest {

  @TempDir static Path dir;
  static ChDb engine;
  static ChDbHttpFront front;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    engine = ChDb.open(dir.resolve("chdb"));
    front = ChDbHttpFront.start(engine, "onering", "pw:with:colons", 0, false);
  }

  @AfterAll
  static void stop() {
    front.close();
    engine.close();
  }

  static HttpResponse<String> get(String pathAndQuery, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(front.url() + pathAndQuery.substring(1)));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void withTheLakesKeysTheEngineHasTheStacksNamedCollectionForIt() {
    assertThat(ChDbHttpServer.engineConfig(java.util.Map.of("ONERING_S3_ENDPOINT", "http://127.0.0.1:9000",
        "ONERING_S3_ACCESS_KEY", "onering", "ONERING_S3_SECRET_KEY", "s3cret")))
        .containsEntry("named_collections.onering_lake.url", "http://127.0.0.1:9000")
        .containsEntry("named_collections.onering_lake.access_key_id", "onering")
        .containsEntry("named_collections.onering_lake.secret_access_key", "s3cret");
    assertThat(ChDbHttpServer.engineConfig(java.util.Map.of("ONERING_S3_ENDPOINT", "http://127.0.0.1:9000")))
        .as("no keys, no collection").isEmpty();
  }

  @Test
  void pingAnswersWithoutALogin() throws Exception {
    HttpResponse<String> r = get("/ping", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("Ok.\n");
  }

  @Test
  void basicAuthenticationAndLoginParametersAreAcceptedAndCheckedLikeTheHeaders() throws Exception {
    HttpResponse<String> basic = get("/?query=SELECT%2040%2B2", basic("onering", "pw:with:colons"));
    assertThat(basic.statusCode()).as(basic.body()).isEqualTo(200);
    assertThat(basic.body()).isEqualTo("42\n");
    HttpResponse<String> params = get("/?user=onering&password=pw%3Awith%3Acolons&query=SELECT%201", null);
    assertThat(params.body()).isEqualTo("1\n");

    HttpResponse<String> wrong = get("/?query=SELECT%201", basic("onering", "pw"));
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("X-ClickHouse-Exception-Code")).hasValue("516");
    assertThat(get("/?query=SELECT%201", null).statusCode()).as("no login is user 'default'").isEqualTo(401);
  }

  @Test
  void aServerStartedForTheStackKeepsNoStatements() {
    org.assertj.core.api.Assertions.assertThatThrownBy(front::statements)
        .hasMessageContaining("without recording statements");
  }

  @Test
  void helpAndWrongOptionsEndTheProgramWithTheUsage() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertThat(exit(new String[] {"--help"}, o, e)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: ChDbHttpServer --data-dir DIR");
    assertThat(exit(new String[] {"--port", "x", "--data-dir", "d"}, o, e)).isEqualTo(2);
    assertThat(exit(new String[] {"--port", "1"}, o, e)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--port must be a number, got 'x'").contains("--data-dir is required");
  }

  static int exit(String[] args, PrintStream out, PrintStream err) {
    try {
      ServerArgs.parse("ChDbHttpServer", ChDbHttpServer.USAGE, args, 8123, out, err);
      return -1;
    } catch (ServerArgs.Exit x) {
      return x.code();
    }
  }
}
