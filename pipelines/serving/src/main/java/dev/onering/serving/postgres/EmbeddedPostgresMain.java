package dev.onering.serving.postgres;

import dev.onering.serving.ServerArgs;
import java.io.PrintStream;

/**
 * The native stack's Postgres: {@link EmbeddedPostgresServer} (zonky's Postgres 16 binaries, the
 * stack image's major version) over a data directory, on localhost, until the process is stopped;
 * SIGTERM stops the server with it.
 *
 * <pre>
 *   java -cp ... dev.onering.serving.postgres.EmbeddedPostgresMain --data-dir data/pg --port 5432
 * </pre>
 *
 * Prints {@code READY <port>} on standard output once the server takes connections. Superuser
 * {@code postgres}, local trust authentication, as {@link EmbeddedPostgresServer} documents.
 */
public final class EmbeddedPostgresMain {

  static final String USAGE = """
      Usage: EmbeddedPostgresMain --data-dir DIR [--port N]
      Postgres (zonky's binaries) on localhost until stopped; superuser postgres, trust authentication.
        --data-dir DIR   the cluster (initdb on first start), its log and connection.properties
        --port N         port to listen on; 0 picks a free one (default 0)""";

  private EmbeddedPostgresMain() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    ServerArgs parsed;
    try {
      parsed = ServerArgs.parse("EmbeddedPostgresMain", USAGE, args, 0, out, err);
    } catch (ServerArgs.Exit e) {
      return e.code();
    }
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(parsed.dataDir(), parsed.port());
    ServerArgs.serveUntilStopped("EmbeddedPostgresMain", "READY " + server.port(), server::close, out, err);
    return 0;
  }
}
