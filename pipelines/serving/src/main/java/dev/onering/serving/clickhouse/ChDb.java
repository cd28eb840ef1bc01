package dev.onering.serving.clickhouse;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ClickHouse engine in this JVM: chDB's {@code libchdb.so} called through JNA, with a data
 * directory that keeps MergeTree tables between runs.
 *
 * <p>chDB boots one engine per process, bound to the first {@code --path} it is given. A second
 * native connection to the same path works, but a connection to another path returns NULL until
 * every connection is closed (measured on 26.7.3). So all {@code ChDb} handles on one directory share
 * one native connection, counted by reference, and opening a different directory while one is open
 * fails with a message naming both. Statements on the shared connection are serialised, as chDB
 * runs one statement at a time per connection anyway. Another process holding the same directory
 * is refused by ClickHouse's own lock on {@code <dir>/status}.
 *
 * <p>The engine's configuration (e.g. the named collection through which it reads an s3a lake,
 * {@link LakeCollection}) is given at connect, as clickhouse-local takes configuration overrides
 * after {@code --} on its command line: it lives in the engine's memory only, never in a file or
 * in SQL text. One configuration per process, like one directory.
 */
public final class ChDb implements ClickHouseSql, AutoCloseable {

  /** System property naming libchdb.so, when the caller names none. */
  public static final String LIB_PROPERTY = "onering.chdb.lib";
  /** The environment variable through which the onering CLI's configuration names libchdb.so. */
  public static final String LIB_ENV = "ONERING_CHDB_LIB";
  /** Where ops/scripts/install-chdb.sh puts the library, relative to the repository root. */
  public static final String LIB_DEFAULT_RELATIVE =
      ".cache/chdb/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so";

  static final String INSTALL_HINT =
      "run ops/scripts/install-chdb.sh (or make setup) from the repository root, or point -D"
          + LIB_PROPERTY + " / " + LIB_ENV + " at libchdb.so";

  /** The C API of chdb.h (chdb-io/chdb, programs/local/chdb.h) that this class uses. */
  interface LibChDb extends Library {
    void chdb_set_signal_handlers_enabled(int enabled);

    String chdb_version();

    /** Returns {@code chdb_connection*}, NULL on failure (the reason goes to stderr). */
    Pointer chdb_connect(int argc, String[] argv);

    void chdb_close_conn(Pointer connectionPointer);

    /** The binary-safe variant: the SQL travels as UTF-8 bytes with an explicit length. */
    Pointer chdb_query_n(Pointer connection, byte[] query, long queryLen, byte[] format,
        long formatLen);

    Pointer chdb_result_error(Pointer result);

    Pointer chdb_result_buffer(Pointer result);

    long chdb_result_length(Pointer result);

    void chdb_destroy_query_result(Pointer result);
  }

  /** The one native connection of this process, and how many handles share it. */
  private static final class Engine {
    final Path dataDir;
    final Map<String, String> config;
    final Pointer connectionPointer;
    int handles;

    Engine(Path dataDir, Map<String, String> config, Pointer connectionPointer) {
      this.dataDir = dataDir;
      this.config = config;
      this.connectionPointer = connectionPointer;
    }
  }

  private static final Object ENGINE_LOCK = new Object();
  private static Engine engine;
  private static volatile LibChDb lib;
  private static Path libPath;

  private static final ObjectReader ROW_READER =
      JsonMapper.builder().build().readerFor(LinkedHashMap.class);

  private final Engine shared;
  private boolean closed;

  private ChDb(Engine shared) {
    this.shared = shared;
  }

  /**
   * Opens (or joins) the engine on {@code dataDir}, creating the directory if needed, with the
   * library {@link #locateLibrary} finds and no configuration beyond the defaults.
   *
   * @throws IllegalStateException if libchdb.so is missing, another data directory is open in this
   *     process, or the engine refuses the directory (e.g. another process holds it)
   */
  public static ChDb open(Path dataDir) {
    return open(dataDir, null, Map.of());
  }

  /**
   * Opens (or joins) the engine on {@code dataDir} with this library and configuration.
   *
   * @param library libchdb.so, or null for {@link #locateLibrary}; the first one loaded serves the
   *     whole process
   * @param config ClickHouse configuration keys in dotted form (e.g. {@code
   *     named_collections.onering_lake.url}) and their values; joining an open engine needs the
   *     same configuration, or none
   * @throws IllegalStateException as {@link #open(Path)}, and when the engine is open with another
   *     configuration or another library is loaded
   */
  public static ChDb open(Path dataDir, Path library, Map<String, String> config) {
    Path dir;
    try {
      // The real path, so two spellings of one directory (a symlink, "..") share the engine.
      dir = Files.createDirectories(dataDir.toAbsolutePath().normalize()).toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the chDB data directory "
          + dataDir.toAbsolutePath(), e);
    }
    synchronized (ENGINE_LOCK) {
      LibChDb native_ = library(library);
      if (engine != null) {
        if (!engine.dataDir.equals(dir)) {
          throw new IllegalStateException("chDB allows one data directory per process: " + dir
              + " cannot be opened while " + engine.dataDir + " is open (" + engine.handles
              + " handle(s)); close those ChDb handles first, or use the same directory");
        }
        if (!config.isEmpty() && !config.equals(engine.config)) {
          // Keys only: the values may be credentials.
          throw new IllegalStateException("chDB takes its configuration once per process: " + dir
              + " is open with " + new TreeMap<>(engine.config).keySet() + " and cannot be joined with "
              + new TreeMap<>(config).keySet() + " set differently; close those ChDb handles first");
        }
        engine.handles++;
        return new ChDb(engine);
      }
      List<String> args = new ArrayList<>(List.of(
          "clickhouse",
          "--path=" + dir,
          // 64-bit integers as JSON numbers, so rows() returns Long rather than String for Int64.
          "--output_format_json_quote_64bit_integers=0"));
      if (!config.isEmpty()) {
        // After "--", clickhouse-local reads --key=value as configuration (its argsToConfig).
        args.add("--");
        new TreeMap<>(config).forEach((k, v) -> args.add("--" + k + "=" + v));
      }
      String[] argv = args.toArray(String[]::new);
      Pointer connection = native_.chdb_connect(argv.length, argv);
      if (connection == null) {
        throw new IllegalStateException("chDB could not open " + dir + " (chdb_connect returned "
            + "NULL; ClickHouse printed the reason on stderr). The usual cause is another process "
            + "using the same directory (lock on " + dir.resolve("status") + "): stop it or use "
            + "another directory");
      }
      engine = new Engine(dir, Map.copyOf(config), connection);
      engine.handles = 1;
      return new ChDb(engine);
    }
  }

  /** The data directory this handle's engine is bound to. */
  public Path dataDir() {
    return shared.dataDir;
  }

  /** The version of the loaded libchdb.so, e.g. {@code 26.7.3}. */
  public static String version() {
    synchronized (ENGINE_LOCK) {
      return library(null).chdb_version();
    }
  }

  @Override
  public String location() {
    return "chDB at " + shared.dataDir;
  }

  /** Runs a statement whose output, if any, is not needed (DDL, INSERT, ALTER). */
  @Override
  public void execute(String sql) {
    run(sql, "TabSeparated");
  }

  /** chDB takes the data inline: the statement, a newline, then the rows, as clickhouse-local does. */
  @Override
  public void insert(String insertSql, String data) {
    run(insertSql + "\n" + data, "TabSeparated");
  }

  /** Runs a statement and returns its output in a ClickHouse format such as CSV or JSONEachRow. */
  public String query(String sql, String format) {
    return run(sql, format);
  }

  /**
   * Runs a query and returns its rows, column order kept. Values are what JSON gives: String for
   * strings, dates and DateTime64, Integer/Long/BigInteger for integers, Double for floats, null.
   * The whole result is held in memory: aggregate in SQL rather than fetching millions of rows.
   */
  @Override
  public List<Map<String, Object>> rows(String sql) {
    try {
      return parseJsonEachRow(query(sql, "JSONEachRow"));
    } catch (IOException e) {
      throw new ChDbException("the JSONEachRow output could not be parsed: " + e.getMessage(), sql);
    }
  }

  /** Rows of ClickHouse's JSONEachRow output, column order kept; shared with the HTTP client. */
  static List<Map<String, Object>> parseJsonEachRow(String json) throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    if (json.isBlank()) {
      return rows;
    }
    try (MappingIterator<Map<String, Object>> it = ROW_READER.readValues(json)) {
      while (it.hasNext()) {
        rows.add(it.next());
      }
    }
    return rows;
  }

  /** Runs a query that returns exactly one integer value, e.g. {@code SELECT count() FROM t}. */
  @Override
  public long scalarLong(String sql) {
    String out = query(sql, "TabSeparated").strip();
    try {
      return Long.parseLong(out);
    } catch (NumberFormatException e) {
      throw new ChDbException("expected one integer value but got '" + abbreviate(out) + "'", sql);
    }
  }

  /** A ClickHouse string literal: quotes and backslashes escaped. */
  public static String quote(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private String run(String sql, String format) {
    byte[] query = sql.getBytes(StandardCharsets.UTF_8);
    byte[] fmt = format.getBytes(StandardCharsets.UTF_8);
    synchronized (shared) {
      if (closed) {
        throw new IllegalStateException("this ChDb handle on " + shared.dataDir
            + " is closed; open a new one with ChDb.open(...)");
      }
      Pointer connection = shared.connectionPointer.getPointer(0);
      Pointer result = lib.chdb_query_n(connection, query, query.length, fmt, fmt.length);
      if (result == null) {
        throw new ChDbException("chDB returned no result (connection closed?)", sql);
      }
      try {
        Pointer error = lib.chdb_result_error(result);
        if (error != null) {
          throw new ChDbException(error.getString(0, StandardCharsets.UTF_8.name()), sql);
        }
        long length = lib.chdb_result_length(result);
        if (length > Integer.MAX_VALUE - 16) {
          throw new ChDbException("the result is " + length + " bytes, more than a Java string "
              + "holds; aggregate or LIMIT in SQL", sql);
        }
        Pointer buffer = lib.chdb_result_buffer(result);
        return buffer == null || length == 0
            ? ""
            : new String(buffer.getByteArray(0, (int) length), StandardCharsets.UTF_8);
      } finally {
        lib.chdb_destroy_query_result(result);
      }
    }
  }

  /** Releases this handle; the native connection closes when the last handle on it does. */
  @Override
  public void close() {
    synchronized (ENGINE_LOCK) {
      synchronized (shared) {
        if (closed) {
          return;
        }
        closed = true;
        shared.handles--;
        if (shared.handles == 0) {
          lib.chdb_close_conn(shared.connectionPointer);
          if (engine == shared) {
            engine = null;
          }
        }
      }
    }
  }

  /**
   * Where libchdb.so is when the caller names none: {@value #LIB_PROPERTY}, else {@value
   * #LIB_DEFAULT_RELATIVE} under the working directory or one of its parents (so tests run from a
   * module directory find the repository's .cache). The onering CLI names it from its
   * configuration ({@value #LIB_ENV}).
   */
  public static Path locateLibrary() {
    String property = System.getProperty(LIB_PROPERTY);
    if (property != null && !property.isBlank()) {
      return requireFile(Path.of(property), "-D" + LIB_PROPERTY);
    }
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(LIB_DEFAULT_RELATIVE);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("libchdb.so not found: no " + LIB_DEFAULT_RELATIVE + " in "
        + start + " or its parents, and neither -D" + LIB_PROPERTY + " nor " + LIB_ENV
        + " is set; " + INSTALL_HINT);
  }

  private static Path requireFile(Path path, String source) {
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(source + " names " + path + ", which is not a file; "
          + INSTALL_HINT);
    }
    return path.toAbsolutePath();
  }

  private static LibChDb library(Path requested) {
    Path wanted = requested == null ? null : requireFile(requested, LIB_ENV).normalize();
    if (lib == null) {
      Path path = wanted != null ? wanted : locateLibrary();
      LibChDb loaded = Native.load(path.toString(), LibChDb.class);
      // The JVM uses signals itself (SIGSEGV for null checks and safepoints); chDB's handlers
      // must not replace them. This has to happen before the first chdb_connect.
      loaded.chdb_set_signal_handlers_enabled(0);
      lib = loaded;
      libPath = path;
    } else if (wanted != null && !wanted.equals(libPath.toAbsolutePath().normalize())) {
      throw new IllegalStateException("libchdb.so is already loaded from " + libPath + " in this process; "
          + wanted + " cannot be loaded as well (one engine per process): name the same library");
    }
    return lib;
  }

  /** The libchdb.so this process loaded, or null before the first open. */
  public static Path loadedLibrary() {
    synchronized (ENGINE_LOCK) {
      return libPath;
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  @Override
  public String toString() {
    return "ChDb[" + shared.dataDir + "]";
  }
}
