package dev.onering.serving.clickhouse;

import dev.onering.pipeline.Redaction;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A ClickHouse server through its HTTP interface (port 8123), with the JDK's HttpClient: no driver,
 * since the store needs only statements, JSON rows and request bodies for INSERTs.
 *
 * <p>The protocol used: {@code POST /?<settings>} with the statement as the body; for an INSERT
 * with data, the statement in the {@code query} parameter and the data as the body. The user and
 * password travel in the {@code X-ClickHouse-User} / {@code X-ClickHouse-Key} headers, never in
 * the URL (which servers log). A failure is an HTTP status other than 200 with ClickHouse's message
 * as the body and its code in {@code X-ClickHouse-Exception-Code}.
 */
public final class ClickHouseHttp implements ClickHouseSql {

  public static final String URL_ENV = "ONERING_CLICKHOUSE_URL";
  public static final String USER_ENV = "ONERING_CLICKHOUSE_USER";
  public static final String PASSWORD_ENV = "ONERING_CLICKHOUSE_PASSWORD";
  /** ClickHouse's own default user, when {@value #USER_ENV} is not set. */
  public static final String USER_DEFAULT = "default";

  static final String CODE_HEADER = "X-ClickHouse-Exception-Code";
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  // A day's Silver Parquet is tens of MB; a cold server may take minutes on it. Past this, a
  // request is stuck rather than slow.
  private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(30);
  private static final Set<Integer> AUTH_CODES = Set.of(192, 193, 194, 516);
  private static final Set<Integer> MISSING_CODES = Set.of(60, 81);

  /**
   * Settings sent with every request. 64-bit integers as JSON numbers, as chDB is started, so rows()
   * gives Long for Int64 in both runtimes. wait_end_of_query buffers the result on the server, so
   * an error late in a query arrives as an HTTP error rather than after a 200 and half a body.
   */
  private static final Map<String, String> SETTINGS = Map.of(
      "output_format_json_quote_64bit_integers", "0",
      "wait_end_of_query", "1");

  private final URI url;
  private final String user;
  private final String password;
  private final HttpClient client;

  public ClickHouseHttp(URI url, String user, String password) {
    String u = url.toString();
    this.url = URI.create(u.endsWith("/") ? u : u + "/");
    this.user = user;
    this.password = password;
    this.client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  }

  /** From {@value #URL_ENV} (and {@value #USER_ENV} / {@value #PASSWORD_ENV}), if the URL is set. */
  public static Optional<ClickHouseHttp> fromEnvironment(Map<String, String> env) {
    String url = env.get(URL_ENV);
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    URI uri;
    try {
      uri = URI.create(url.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(URL_ENV + "='" + Redaction.credentials(url) + "' is not a URL; set it to the server's HTTP "
          + "interface, e.g. http://clickhouse:8123", e);
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException(URL_ENV + "='" + Redaction.credentials(url) + "' must be an http(s) URL of the server's HTTP "
          + "interface, e.g. http://clickhouse:8123 (the native protocol, port 9000, is not used)");
    }
    return Optional.of(at(uri, env));
  }

  /**
   * The server at {@code url}, as the user {@value #USER_ENV} names (else {@value #USER_DEFAULT})
   * with the password {@value #PASSWORD_ENV}: for a caller that carries the URL itself (the
   * streaming job's sink, whose configuration travels in the job graph) but takes credentials only
   * from the environment of the process that connects.
   */
  public static ClickHouseHttp at(URI url, Map<String, String> env) {
    String user = env.getOrDefault(USER_ENV, "");
    return new ClickHouseHttp(url, user.isBlank() ? USER_DEFAULT : user.strip(), env.getOrDefault(PASSWORD_ENV, ""));
  }

  public URI url() {
    return url;
  }

  @Override
  public String location() {
    return "ClickHouse at " + Redaction.credentials(url.toString());
  }

  @Override
  public void execute(String sql) {
    send(sql, Map.of(), HttpRequest.BodyPublishers.ofString(sql), sql);
  }

  @Override
  public List<Map<String, Object>> rows(String sql) {
    String json = send(sql, Map.of("default_format", "JSONEachRow"), HttpRequest.BodyPublishers.ofString(sql), sql);
    try {
      return ChDb.parseJsonEachRow(json);
    } catch (IOException e) {
      throw error("the JSONEachRow output could not be parsed: " + e.getMessage(), -1, sql,
          "check the server's version speaks JSONEachRow");
    }
  }

  @Override
  public long scalarLong(String sql) {
    String out = send(sql, Map.of("default_format", "TabSeparated"), HttpRequest.BodyPublishers.ofString(sql), sql).strip();
    try {
      return Long.parseLong(out);
    } catch (NumberFormatException e) {
      throw error("expected one integer value but got '" + (out.length() > 200 ? out.substring(0, 200) + "..." : out)
          + "'", -1, sql, "the query must return one row of one integer");
    }
  }

  @Override
  public void insert(String insertSql, String data) {
    send(insertSql, Map.of("query", insertSql), HttpRequest.BodyPublishers.ofString(data), insertSql);
  }

  /**
   * Runs an INSERT whose data is streamed from {@code body}, e.g.
   * {@code INSERT INTO t SELECT ... FROM input('...') FORMAT Parquet} with a Parquet file.
   */
  public void insert(String insertSql, Supplier<InputStream> body) {
    send(insertSql, Map.of("query", insertSql), HttpRequest.BodyPublishers.ofInputStream(body), insertSql);
  }

  private String send(String sql, Map<String, String> params, HttpRequest.BodyPublisher body, String forMessages) {
    Map<String, String> all = new LinkedHashMap<>(SETTINGS);
    all.putAll(params);
    String query = all.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    HttpRequest.Builder request = HttpRequest.newBuilder(url.resolve("?" + query))
        .timeout(REQUEST_TIMEOUT)
        .header("X-ClickHouse-User", user)
        .POST(body);
    if (password != null && !password.isEmpty()) {
      request.header("X-ClickHouse-Key", password);
    }
    HttpResponse<String> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw error("cannot connect (" + e + ")", -1, forMessages, "is the server up (`make status`)? "
          + URL_ENV + " says where it is");
    } catch (IOException e) {
      throw error("the request failed (" + e + ")", -1, forMessages, "check the server's log and re-run");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw error("interrupted while waiting for the server", -1, forMessages, "re-run");
    }
    if (response.statusCode() != 200) {
      String message = response.body().strip();
      int code = response.headers().firstValue(CODE_HEADER).map(ClickHouseHttp::parseInt)
          .orElse(ClickHouseException.parseCode(message));
      throw error(message.isEmpty() ? "HTTP " + response.statusCode() : message, code, forMessages, nextStep(code));
    }
    return response.body();
  }

  private static String nextStep(int code) {
    if (AUTH_CODES.contains(code)) {
      return "check " + USER_ENV + " and " + PASSWORD_ENV + " (in the stack: CLICKHOUSE_USER and "
          + "CLICKHOUSE_PASSWORD in .env, then `make up`)";
    }
    if (MISSING_CODES.contains(code)) {
      return "run `onering migrate` to create the Silver tables, then re-run";
    }
    return "fix the statement or its data and re-run";
  }

  private ClickHouseException error(String clickhouseMessage, int code, String sql, String next) {
    return new ClickHouseException(location() + " failed on `" + ClickHouseException.firstLine(sql) + "`: "
        + clickhouseMessage.strip() + "; " + next, clickhouseMessage, code, sql);
  }

  private static int parseInt(String s) {
    try {
      return Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public String toString() {
    return "ClickHouseHttp[" + Redaction.credentials(url.toString()) + ", user " + user + "]";
  }
}
