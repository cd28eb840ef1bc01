package dev.onering.serving.postgres;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

/**
 * Run in its own JVM by {@link EmbeddedPostgresServerTest}: starts the server over a data
 * directory, writes a marker row, prints {@code READY <port>} and waits to be killed, like a
 * pipeline run that dies without stopping its Postgres.
 */
public final class EmbeddedPostgresChild {

  public static void main(String[] args) throws Exception {
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(Path.of(args[0]), 0);
    try (Connection c = server.connection().open(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS marker (written_by text)");
      s.execute("INSERT INTO marker VALUES ('child')");
    }
    System.out.println("READY " + server.port());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
