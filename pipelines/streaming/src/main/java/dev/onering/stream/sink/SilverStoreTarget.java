package dev.onering.stream.sink;

import dev.onering.serving.clickhouse.ChDbSilverStore;
import dev.onering.serving.clickhouse.ClickHouseHttp;
import dev.onering.serving.clickhouse.ClickHouseHttpSilverStore;
import dev.onering.serving.clickhouse.SilverStore;
import dev.onering.stream.StreamEnv;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;

/**
 * Where the job's ClickHouse rows go, in a form that travels with the job graph: the embedded
 * engine's data directory in the local runtime, the ClickHouse server's HTTP interface in the
 * stack. Exactly one of the two is set.
 *
 * <p>No credentials in here: the job graph is shown by Flink's UI and REST API and stored with
 * every checkpoint's metadata. A server's user and password are read when a writer opens the store,
 * from the environment of the process it runs in ({@value ClickHouseHttp#USER_ENV},
 * {@value ClickHouseHttp#PASSWORD_ENV}: in the stack, the Flink task manager's), through
 * {@link StreamEnv}.
 *
 * @param chdbDataDir the embedded engine's data directory, for a job running in this JVM
 * @param serverUrl the server's HTTP interface, e.g. {@code http://clickhouse:8123}
 */
public record SilverStoreTarget(String chdbDataDir, URI serverUrl) implements Serializable {

  /** The prefix of {@link #parse}'s embedded form. */
  public static final String CHDB_PREFIX = "chdb:";

  public SilverStoreTarget {
    if ((chdbDataDir == null) == (serverUrl == null)) {
      throw new IllegalArgumentException("a ClickHouse target is either a chDB data directory or a server URL");
    }
    if (serverUrl != null && !"http".equals(serverUrl.getScheme()) && !"https".equals(serverUrl.getScheme())) {
      throw new IllegalArgumentException("the ClickHouse server URL must be http(s)://host:port of its HTTP "
          + "interface, e.g. http://clickhouse:8123 (the native protocol is not used); got " + serverUrl);
    }
  }

  public static SilverStoreTarget chdb(Path dataDir) {
    return new SilverStoreTarget(dataDir.toAbsolutePath().toString(), null);
  }

  public static SilverStoreTarget server(URI url) {
    return new SilverStoreTarget(null, url);
  }

  /**
   * {@code http(s)://host:port} for a server, {@code chdb:<data dir>} for the embedded engine.
   *
   * @throws IllegalArgumentException saying which forms are accepted
   */
  public static SilverStoreTarget parse(String spec) {
    String s = spec == null ? "" : spec.strip();
    if (s.startsWith(CHDB_PREFIX) && s.length() > CHDB_PREFIX.length()) {
      return chdb(Path.of(s.substring(CHDB_PREFIX.length())));
    }
    if (s.startsWith("http://") || s.startsWith("https://")) {
      try {
        return server(URI.create(s));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'" + s + "' is not a URL: " + e.getMessage()
            + "; give the server's HTTP interface, e.g. http://clickhouse:8123", e);
      }
    }
    throw new IllegalArgumentException("'" + s + "' is not a ClickHouse target: give the server's HTTP interface "
        + "(http://clickhouse:8123) or the embedded engine's data directory (chdb:data/chdb)");
  }

  public boolean isServer() {
    return serverUrl != null;
  }

  /**
   * Opens the store, with a server's credentials from {@code env}: the environment of the process
   * that opens it ({@link StreamEnv#system()} in a task manager's writer).
   */
  public SilverStore open(StreamEnv env) {
    return isServer()
        ? new ClickHouseHttpSilverStore(ClickHouseHttp.at(serverUrl, env.asMap()))
        : ChDbSilverStore.open(Path.of(chdbDataDir));
  }

  /** Opens the embedded engine, which has no credentials. */
  public SilverStore openEmbedded() {
    if (isServer()) {
      throw new IllegalStateException("a ClickHouse server needs its credentials: open(StreamEnv)");
    }
    return ChDbSilverStore.open(Path.of(chdbDataDir));
  }

  @Override
  public String toString() {
    return isServer() ? "ClickHouse at " + serverUrl : "chDB at " + chdbDataDir;
  }
}
