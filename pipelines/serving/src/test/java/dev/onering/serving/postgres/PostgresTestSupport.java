package dev.onering.serving.postgres;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Helpers shared by the Postgres tests: the changelog and throw-away databases on one server. */
final class PostgresTestSupport {

  private PostgresTestSupport() {}

  static Path changelog() {
    return PostgresMigrations.locateChangelog(Path.of(""));
  }

  /**
   * A new, empty database on {@code server}, so a test can start from nothing without paying for
   * another server start.
   */
  static PostgresConnection freshDatabase(EmbeddedPostgresServer server, String name) throws SQLException {
    try (Connection c = server.connection().open(); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name);
      s.execute("CREATE DATABASE " + name);
    }
    return new PostgresConnection(
        "jdbc:postgresql://localhost:" + server.port() + "/" + name, server.user(), server.password());
  }

  static void execute(PostgresConnection settings, String sql) throws SQLException {
    try (Connection c = settings.open(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
