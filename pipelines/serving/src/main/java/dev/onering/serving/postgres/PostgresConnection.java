package dev.onering.serving.postgres;

import dev.onering.pipeline.Redaction;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the Gold store is and who to log in as. The only thing that differs between the stack (a
 * Postgres server, settings from the environment) and the embedded runtime (a zonky server this
 * process started).
 *
 * <p>Precedence: {@code ONERING_PG_URL} set means the stack, and the user and password come from
 * {@code ONERING_PG_USER} / {@code ONERING_PG_PASSWORD} (either may be absent when the URL carries
 * them); otherwise the caller starts an {@link EmbeddedPostgresServer} and uses {@link #of}. The
 * caller hands the settings in ({@link #fromEnvironment}); this class reads no environment itself.
 * Messages and {@link #toString} show the URL with any password in it blanked.
 */
public record PostgresConnection(String url, String user, String password) {

  public static final String URL_ENV = "ONERING_PG_URL";
  public static final String USER_ENV = "ONERING_PG_USER";
  public static final String PASSWORD_ENV = "ONERING_PG_PASSWORD";

  public PostgresConnection {
    if (url == null || !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "Postgres URL must start with jdbc:postgresql: but was '" + Redaction.credentials(url) + "'; check " + URL_ENV);
    }
  }

  /**
   * The stack's settings from these {@code ONERING_PG_*} values, or empty when {@code ONERING_PG_URL}
   * is not set (embedded runtime).
   */
  public static Optional<PostgresConnection> fromEnvironment(Map<String, String> env) {
    String url = blankToNull(env.get(URL_ENV));
    if (url == null) {
      return Optional.empty();
    }
    return Optional.of(
        new PostgresConnection(url, blankToNull(env.get(USER_ENV)), env.get(PASSWORD_ENV)));
  }

  public static PostgresConnection of(EmbeddedPostgresServer server) {
    return new PostgresConnection(server.jdbcUrl(), server.user(), server.password());
  }

  public Connection open() throws SQLException {
    Properties props = new Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    // Shows up in pg_stat_activity, so an operator can tell OneRing's sessions from psql's.
    props.setProperty("ApplicationName", "onering");
    try {
      return DriverManager.getConnection(url, props);
    } catch (SQLException e) {
      throw new SQLException(
          "Cannot connect to Gold Postgres at " + redactedUrl() + " as " + user + ": "
              + Redaction.credentials(e.getMessage()) + " (is the server up? in the stack check " + URL_ENV + "/" + USER_ENV + "/"
              + PASSWORD_ENV + ")",
          e.getSQLState(), e);
    }
  }

  /** The URL for messages and logs: a password in it ({@code ?password=...}, {@code user:pw@}) blanked. */
  public String redactedUrl() {
    return Redaction.credentials(url);
  }

  /** Never prints the password: these settings end up in logs and run reports. */
  @Override
  public String toString() {
    return "PostgresConnection[url=" + redactedUrl() + ", user=" + user + ", password="
        + (password == null || password.isEmpty() ? "<none>" : "***") + "]";
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
