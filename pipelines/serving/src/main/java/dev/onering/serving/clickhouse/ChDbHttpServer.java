package dev.onering.serving.clickhouse;

import dev.onering.lake.S3Endpoint;
import dev.onering.serving.ServerArgs;
import java.io.PrintStream;
import java.util.Map;

/**
 * The native stack's ClickHouse server: {@link ChDbHttpFront} over a persistent chDB data
 * directory, on 127.0.0.1, until the process is stopped (SIGTERM closes the engine cleanly).
 *
 * <p>The one stand-in of the native stack (docs/stack.md): no modern ClickHouse server binary can
 * be installed here, chDB is the same engine. The steps, the Flink sinks and the smoke reach it
 * exactly as they reach the stack's server, through {@code ONERING_CLICKHOUSE_URL} with the user
 * and password of {@code ONERING_CLICKHOUSE_USER} / {@code ONERING_CLICKHOUSE_PASSWORD}.
 *
 * <pre>
 *   java -cp ... dev.onering.serving.clickhouse.ChDbHttpServer --port 8123 --data-dir data/chdb
 * </pre>
 *
 * Prints {@code READY http://127.0.0.1:<port>/} on standard output once it answers.
 */
public final class ChDbHttpServer {

  static final String USAGE = """
      Usage: ChDbHttpServer --data-dir DIR [--port N]
      ClickHouse's HTTP interface over chDB (the ClickHouse engine as a library) on 127.0.0.1.
        --data-dir DIR   chDB's data directory (MergeTree tables persist there)
        --port N         port to listen on; 0 picks a free one (default 8123)
      Environment: ONERING_CLICKHOUSE_USER (default 'default') and ONERING_CLICKHOUSE_PASSWORD
      (default empty) are the login it accepts; ONERING_CHDB_LIB names libchdb.so.
      GET /ping answers 'Ok.' without a login.""";

  private ChDbHttpServer() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  /**
   * The stack's ClickHouse reads the lake through the named collection {@link LakeCollection#NAME}
   * (platform/clickhouse/config.d/lake.xml: MinIO's URL, the keys from its environment); the
   * stand-in defines the same from the lake's settings ({@code ONERING_S3_ENDPOINT} and keys), so the
   * quality runner's {@code s3(onering_lake, ...)} statements run on both. Without keys, none.
   */
  static Map<String, String> engineConfig(Map<String, String> env) {
    S3Endpoint s3 = S3Endpoint.fromEnvironment(env);
    return s3.hasCredentials() ? LakeCollection.chdbConfig(s3) : Map.of();
  }

  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) throws InterruptedException {
    ServerArgs parsed;
    try {
      parsed = ServerArgs.parse("ChDbHttpServer", USAGE, args, 8123, out, err);
    } catch (ServerArgs.Exit e) {
      return e.code();
    }
    String user = env.getOrDefault(ClickHouseHttp.USER_ENV, "default");
    String password = env.getOrDefault(ClickHouseHttp.PASSWORD_ENV, "");
    ChDb db = ChDb.open(parsed.dataDir(), null, engineConfig(env));
    ChDbHttpFront front = ChDbHttpFront.start(db, user, password, parsed.port(), false);
    ServerArgs.serveUntilStopped("ChDbHttpServer", "READY " + front.url(), () -> {
      front.close();
      db.close();
    }, out, err);
    return 0;
  }
}
