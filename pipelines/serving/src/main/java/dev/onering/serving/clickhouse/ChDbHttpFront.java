package dev.onering.serving.clickhouse;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ClickHouse's HTTP interface in front of the real ClickHouse engine (chDB), on loopback.
 *
 * <p>A protocol adapter, not a mock: it implements the subset of the HTTP protocol that {@link
 * ClickHouseHttp} and clickhouse-sqlalchemy's {@code clickhouse+http} driver speak (statement as
 * POST body or {@code query} parameter with the data as body, {@code default_format}, the
 * {@code X-ClickHouse-User}/{@code -Key} headers or HTTP basic authentication, errors as a non-200
 * status with ClickHouse's message and {@code X-ClickHouse-Exception-Code}) and executes every
 * statement on chDB, so results and errors are the engine's own. A ClickHouse server cannot run on
 * this machine (no Docker; Debian's is from 2018), chDB is the same engine.
 *
 * <p>The tests of both modules start it in-process; the native stack runs it as its ClickHouse
 * server ({@link ChDbHttpServer}), the one stand-in of that stack (docs/stack.md).
 *
 * <p>Where chDB's API differs from a server: it takes no request body. A text-format body is
 * appended to the statement, as clickhouse-local reads inline data; a Parquet body is written to a
 * temporary file and read with {@code file(<tmp>, Parquet)} in place of {@code input()}.
 */
public final class ChDbHttpFront implements AutoCloseable {

  private static final Pattern FORMAT_AT_END = Pattern.compile("(?is)\\s+FORMAT\\s+(\\w+)\\s*$");
  private static final Pattern INPUT = Pattern.compile("(?s)input\\(('(?:[^'\\\\]|\\\\.)*')\\)");

  private final ChDb db;
  private final String user;
  private final String password;
  private final HttpServer server;
  private final Path scratch;
  /** Kept for the tests only: a long-running server would grow it without end. */
  private final List<String> statements;

  private ChDbHttpFront(ChDb db, String user, String password, int port, boolean record) throws IOException {
    this.db = db;
    this.user = user;
    this.password = password;
    this.statements = record ? Collections.synchronizedList(new ArrayList<>()) : null;
    this.scratch = Files.createTempDirectory("chdb-http-front-");
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    // One statement at a time, on the server's dispatcher thread: chDB's connection is not shared.
    server.createContext("/", this::handle);
    server.start();
  }

  /** On a free loopback port, recording every statement ({@link #statements()}). */
  public static ChDbHttpFront start(ChDb db, String user, String password) {
    return start(db, user, password, 0, true);
  }

  /**
   * On loopback {@code port} (0: any free one); {@code record} keeps every statement for {@link
   * #statements()}, which only a test should ask for.
   */
  public static ChDbHttpFront start(ChDb db, String user, String password, int port, boolean record) {
    try {
      return new ChDbHttpFront(db, user, password, port, record);
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on 127.0.0.1:" + port + " (" + e.getMessage() + ")", e);
    }
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** Every statement received, as sent (before any rewriting), in order. */
  public List<String> statements() {
    if (statements == null) {
      throw new IllegalStateException("this front was started without recording statements");
    }
    return List.copyOf(statements);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      Map<String, String> params = params(ex.getRequestURI().getRawQuery());
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (ex.getRequestURI().getPath().equals("/ping")) {
        respond(ex, 200, 0, "Ok.\n"); // the server's liveness answer, no login needed
        return;
      }
      String[] login = login(ex, params);
      String who = login[0];
      String key = login[1];
      if (!user.equals(who) || !password.equals(key == null ? "" : key)) {
        // The server's answer to a wrong user or password (HTTP 401 since 23.x).
        respond(ex, 401, 516, "Code: 516. DB::Exception: " + who + ": Authentication failed: password is "
            + "incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)");
        return;
      }
      String database = params.getOrDefault("database", "default");
      if (!database.equals("default")) {
        // chDB keeps one current database for the whole engine; switching it per request would leak.
        respond(ex, 400, 81, "Code: 81. DB::Exception: this front runs statements in the default database only,"
            + " got database=" + database + "; name tables with their database. (UNKNOWN_DATABASE)");
        return;
      }
      String sql = params.containsKey("query") ? params.get("query") : new String(body, StandardCharsets.UTF_8);
      byte[] data = params.containsKey("query") && body.length > 0 ? body : null;
      if (statements != null) {
        statements.add(sql);
      }
      try {
        if (data == null) {
          respond(ex, 200, 0, db.query(withSettings(sql, params), params.getOrDefault("default_format", "TabSeparated")));
        } else {
          insert(sql, data);
          respond(ex, 200, 0, "");
        }
      } catch (ClickHouseException e) {
        respond(ex, e.code() == 62 ? 400 : 500, e.code(), e.clickhouseMessage() + "\n");
      }
    }
  }

  /** URL parameters that are part of the HTTP protocol, not query settings. */
  private static final java.util.Set<String> PROTOCOL_PARAMS = java.util.Set.of("query", "database", "default_format",
      "query_id", "user", "password", "session_id", "session_timeout", "session_check", "compress", "decompress",
      "enable_http_compression", "wait_end_of_query", "buffer_size", "quota_key");
  private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern SELECT = Pattern.compile("(?is)^\\s*(SELECT|WITH)\\b.*");

  /**
   * The server applies every other URL parameter as a setting of the query (clickhouse-sqlalchemy
   * sends its connection's settings that way); chDB takes them as the query's SETTINGS clause. Only
   * for a SELECT without its own FORMAT or SETTINGS: the one kind of statement that carries them here.
   */
  private static String withSettings(String sql, Map<String, String> params) {
    List<String> settings = new ArrayList<>();
    params.forEach((k, v) -> {
      if (!PROTOCOL_PARAMS.contains(k) && SETTING_NAME.matcher(k).matches()) {
        settings.add(k + " = " + (v.matches("-?\\d+(\\.\\d+)?") ? v : ChDb.quote(v)));
      }
    });
    String body = sql.strip().replaceAll(";+$", "");
    if (settings.isEmpty() || !SELECT.matcher(body).matches() || FORMAT_AT_END.matcher(body).find()
        || body.matches("(?is).*\\bSETTINGS\\b[^)]*$")) {
      return sql;
    }
    return body + " SETTINGS " + String.join(", ", settings);
  }

  private void insert(String sql, byte[] data) throws IOException {
    Matcher format = FORMAT_AT_END.matcher(sql);
    if (!format.find()) {
      throw new ChDbException("Code: 62. DB::Exception: data was sent, but the statement does not end with"
          + " FORMAT <format>. (SYNTAX_ERROR)", sql);
    }
    if (!format.group(1).equalsIgnoreCase("Parquet")) {
      db.execute(sql + "\n" + new String(data, StandardCharsets.UTF_8));
      return;
    }
    Path file = Files.createTempFile(scratch, "body-", ".parquet");
    try {
      Files.write(file, data);
      String head = sql.substring(0, format.start());
      Matcher input = INPUT.matcher(head);
      String source = "file(" + ChDb.quote(file.toString()) + ", Parquet";
      String rewritten = input.find()
          ? head.substring(0, input.start()) + source + ", " + input.group(1) + ")" + head.substring(input.end())
          : head + " SELECT * FROM " + source + ")";
      db.execute(rewritten);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * The user and password the way a ClickHouse server accepts them: the {@code X-ClickHouse-User}
   * / {@code -Key} headers, HTTP basic authentication, or the {@code user} / {@code password}
   * parameters.
   */
  private static String[] login(HttpExchange ex, Map<String, String> params) {
    String who = ex.getRequestHeaders().getFirst("X-ClickHouse-User");
    if (who != null) {
      return new String[] {who, ex.getRequestHeaders().getFirst("X-ClickHouse-Key")};
    }
    String basic = ex.getRequestHeaders().getFirst("Authorization");
    if (basic != null && basic.regionMatches(true, 0, "Basic ", 0, 6)) {
      String pair = new String(Base64.getDecoder().decode(basic.substring(6).trim()), StandardCharsets.UTF_8);
      int colon = pair.indexOf(':');
      return colon < 0 ? new String[] {pair, ""} : new String[] {pair.substring(0, colon), pair.substring(colon + 1)};
    }
    return new String[] {params.getOrDefault("user", "default"), params.get("password")};
  }

  private static void respond(HttpExchange ex, int status, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    if (code > 0) {
      ex.getResponseHeaders().add(ClickHouseHttp.CODE_HEADER, String.valueOf(code));
    }
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static Map<String, String> params(String rawQuery) {
    Map<String, String> m = new LinkedHashMap<>();
    if (rawQuery == null) {
      return m;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      m.put(k, v);
    }
    return m;
  }

  @Override
  public void close() {
    server.stop(0);
    try {
      Files.deleteIfExists(scratch);
    } catch (IOException e) {
      // Only an empty temp folder.
    }
  }
}
