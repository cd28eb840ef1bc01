package dev.onering.serving.clickhouse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import liquibase.ChecksumVersion;
import liquibase.change.Change;
import liquibase.change.CheckSum;
import liquibase.change.core.EmptyChange;
import liquibase.change.core.RawSQLChange;
import liquibase.changelog.ChangeLogParameters;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.parser.ChangeLogParser;
import liquibase.parser.ChangeLogParserFactory;
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.util.StringUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a Liquibase formatted-SQL changelog to ClickHouse: chDB embedded, or the stack's server
 * over HTTP (any {@link ClickHouseSql}).
 *
 * <p>chDB has no server and no JDBC driver, so Liquibase's own update cannot reach it. Rather than
 * a second setup for the server (Liquibase, a ClickHouse extension and a JDBC driver), this class
 * serves both. It keeps Liquibase's semantics with Liquibase's parts: Liquibase's
 * parser reads the file, Liquibase computes each changeset's checksum and splits its SQL, and this
 * class runs the statements and records each applied changeset in {@value #TRACKING_TABLE}, with
 * the columns of Liquibase's DATABASECHANGELOG that matter here. Both runtimes run this same code
 * on the same file, so they build the same tables and keep the same bookkeeping.
 *
 * <p>Supported: {@code runOnChange}, {@code runAlways}, {@code validCheckSum}, {@code dbms}
 * (a changeset limited to other databases is skipped) and {@code ignore}. Contexts and labels are
 * not filtered (every changeset applies); preconditions are refused, since evaluating them would
 * need Liquibase's Database abstraction.
 */
public final class ChangelogApplier {

  /** Where applied changesets are recorded; named after Liquibase's table so it reads the same. */
  public static final String TRACKING_TABLE = "default.DATABASECHANGELOG";
  static final String DBMS = "clickhouse";
  /** The ClickHouse changelog, relative to the repository root. */
  public static final String DEFAULT_CHANGELOG = "platform/liquibase/clickhouse/changelog.sql";

  private static final Logger LOG = LoggerFactory.getLogger(ChangelogApplier.class);
  // One migration at a time per process: chDB's engine is process-wide (see ChDb).
  private static final Object APPLY_LOCK = new Object();

  private final ClickHouseSql db;

  public ChangelogApplier(ClickHouseSql db) {
    this.db = db;
  }

  /**
   * Runs the changesets of {@code changelog} not yet recorded, in file order.
   *
   * @return the number of changesets executed (0 when the database is up to date)
   * @throws IllegalStateException if an applied changeset's checksum changed (naming it)
   * @throws ClickHouseException if a statement fails; changesets before it stay applied and recorded
   */
  public int apply(Path changelog) {
    List<Parsed> changeSets = parseWithLiquibase(changelog);
    synchronized (APPLY_LOCK) {
      createTrackingTable();
      Map<String, String> applied = appliedChecksums();
      // Check every applied changeset before running anything, so an edited file changes nothing.
      for (Parsed p : changeSets) {
        String stored = applied.get(p.sql().key());
        if (stored != null && !p.matches(stored) && !p.sql().runOnChange()
            && !p.sql().runAlways()) {
          throw new IllegalStateException("changeset " + p.sql().id() + " by " + p.sql().author()
              + " in " + p.sql().filename() + " was applied with checksum " + stored
              + " but the file now gives " + p.sql().checksum() + ": an applied changeset was "
              + "edited in " + db.location() + ". Revert the edit and add a new changeset for the "
              + "change (or, for a throwaway store, start from an empty one: delete the chDB data "
              + "directory, or drop the silver database and " + TRACKING_TABLE + " on a server)");
        }
      }
      int executed = 0;
      long order = db.scalarLong("SELECT max(ORDEREXECUTED) FROM " + TRACKING_TABLE + " FINAL");
      for (Parsed p : changeSets) {
        ChangeSetSql cs = p.sql();
        String stored = applied.get(cs.key());
        boolean due = stored == null || cs.runAlways() || (cs.runOnChange() && !p.matches(stored));
        if (!due) {
          continue;
        }
        for (String statement : cs.statements()) {
          db.execute(statement);
        }
        order++;
        record(cs, stored == null ? "EXECUTED" : "RERAN", order);
        executed++;
        LOG.info("applied changeset {} to {}", cs.key(), db.location());
      }
      return executed;
    }
  }

  /**
   * {@value #DEFAULT_CHANGELOG} under the working directory or one of its parents, so the CLI run
   * from the repository root and tests run from a module directory find the same file.
   */
  public static Path locateDefaultChangelog() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(DEFAULT_CHANGELOG);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no " + DEFAULT_CHANGELOG + " in " + start
        + " or its parents; run from inside the repository or pass the changelog's path");
  }

  /** A changeset as Liquibase holds it, with what this class runs from it. */
  private record Parsed(ChangeSet liquibase, ChangeSetSql sql) {
    /** Liquibase's own test, so validCheckSum entries and older checksum versions count. */
    boolean matches(String storedChecksum) {
      return storedChecksum.equals(sql.checksum())
          || liquibase.isCheckSumValid(CheckSum.parse(storedChecksum));
    }
  }

  /** The changesets of a formatted-SQL changelog that apply to ClickHouse, as Liquibase reads them. */
  public static List<ChangeSetSql> parse(Path changelog) {
    return parseWithLiquibase(changelog).stream().map(Parsed::sql).toList();
  }

  private static List<Parsed> parseWithLiquibase(Path changelog) {
    Path file = changelog.toAbsolutePath().normalize();
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no changelog at " + file
          + "; the ClickHouse changelog is platform/liquibase/clickhouse/changelog.sql");
    }
    // The changelog's folder is the search path, so FILENAME is the bare file name wherever the
    // repository lives, as it is for Liquibase run with --search-path=<that folder>.
    String name = file.getFileName().toString();
    DatabaseChangeLog log;
    try (DirectoryResourceAccessor accessor = new DirectoryResourceAccessor(file.getParent())) {
      ChangeLogParser parser = ChangeLogParserFactory.getInstance().getParser(name, accessor);
      log = parser.parse(name, new ChangeLogParameters(), accessor);
    } catch (Exception e) {
      throw new IllegalArgumentException("Liquibase could not parse the changelog " + file + ": "
          + e.getMessage(), e);
    }
    List<Parsed> result = new ArrayList<>();
    for (ChangeSet cs : log.getChangeSets()) {
      if (cs.isIgnore() || !appliesToClickHouse(cs.getDbmsSet())) {
        continue;
      }
      String where = "changeset " + cs.getId() + " by " + cs.getAuthor() + " in " + file;
      if (cs.getPreconditions() != null
          && !cs.getPreconditions().getNestedPreconditions().isEmpty()) {
        throw new IllegalArgumentException(where + " has preconditions, which the embedded applier "
            + "does not evaluate; express the condition in SQL (IF NOT EXISTS) instead");
      }
      result.add(new Parsed(cs, new ChangeSetSql(
          cs.getId(),
          cs.getAuthor(),
          cs.getFilePath(),
          cs.generateCheckSum(ChecksumVersion.latest()).toString(),
          cs.getDescription(),
          cs.getComments() == null ? "" : cs.getComments(),
          cs.isRunOnChange(),
          cs.isAlwaysRun(),
          statements(cs, where))));
    }
    return result;
  }

  private static List<String> statements(ChangeSet cs, String where) {
    List<String> statements = new ArrayList<>();
    for (Change change : cs.getChanges()) {
      if (change instanceof EmptyChange) {
        continue;
      }
      if (!(change instanceof RawSQLChange sql)) {
        throw new IllegalArgumentException(where + " holds a " + change.getClass().getSimpleName()
            + "; the embedded applier runs only formatted-SQL changes");
      }
      boolean split = sql.isSplitStatements() == null || sql.isSplitStatements();
      boolean strip = sql.isStripComments() != null && sql.isStripComments();
      for (String statement :
          StringUtil.processMultiLineSQL(sql.getSql(), strip, split, sql.getEndDelimiter(), cs)) {
        if (!isOnlyComments(statement)) {
          statements.add(statement.strip());
        }
      }
    }
    return statements;
  }

  /** Liquibase's dbms attribute: empty or "all" means every database; "!x" excludes x. */
  static boolean appliesToClickHouse(Set<String> dbms) {
    if (dbms == null || dbms.isEmpty()) {
      return true;
    }
    boolean anyPositive = false;
    for (String raw : dbms) {
      String d = raw.strip().toLowerCase(Locale.ROOT);
      if (d.equals("none") || d.equals("!" + DBMS)) {
        return false;
      }
      if (d.equals("all") || d.equals(DBMS)) {
        return true;
      }
      anyPositive |= !d.startsWith("!");
    }
    return !anyPositive;
  }

  // ClickHouse rejects a statement that is only comments ("Empty query"), which splitting leaves
  // behind when a comment follows the last semicolon.
  private static boolean isOnlyComments(String statement) {
    for (String line : statement.split("\\R")) {
      String s = line.strip();
      if (!s.isEmpty() && !s.startsWith("--")) {
        return false;
      }
    }
    return true;
  }

  private void createTrackingTable() {
    // The applier's own bookkeeping, created by the applier as Liquibase creates its table.
    db.execute("CREATE TABLE IF NOT EXISTS " + TRACKING_TABLE + " ("
        + " ID String, AUTHOR String, FILENAME String,"
        + " DATEEXECUTED DateTime64(3, 'UTC'), ORDEREXECUTED Int64,"
        + " EXECTYPE LowCardinality(String), MD5SUM String,"
        + " DESCRIPTION String, COMMENTS String, LIQUIBASE String"
        + ") ENGINE = ReplacingMergeTree(DATEEXECUTED) ORDER BY (FILENAME, ID, AUTHOR)");
  }

  private Map<String, String> appliedChecksums() {
    Map<String, String> applied = new HashMap<>();
    for (Map<String, Object> row : db.rows("SELECT FILENAME, ID, AUTHOR, MD5SUM FROM "
        + TRACKING_TABLE + " FINAL")) {
      applied.put(row.get("FILENAME") + "::" + row.get("ID") + "::" + row.get("AUTHOR"),
          (String) row.get("MD5SUM"));
    }
    return applied;
  }

  private void record(ChangeSetSql cs, String execType, long order) {
    db.execute("INSERT INTO " + TRACKING_TABLE + " (ID, AUTHOR, FILENAME, DATEEXECUTED,"
        + " ORDEREXECUTED, EXECTYPE, MD5SUM, DESCRIPTION, COMMENTS, LIQUIBASE) VALUES ("
        + ChDb.quote(cs.id()) + ", " + ChDb.quote(cs.author()) + ", "
        + ChDb.quote(cs.filename()) + ", now64(3, 'UTC'), " + order + ", "
        + ChDb.quote(execType) + ", " + ChDb.quote(cs.checksum()) + ", "
        + ChDb.quote(truncate(cs.description())) + ", " + ChDb.quote(truncate(cs.comments()))
        + ", " + ChDb.quote(liquibaseVersion()) + ")");
  }

  private static String truncate(String s) {
    return s == null ? "" : s.length() <= 1000 ? s : s.substring(0, 1000);
  }

  private static String liquibaseVersion() {
    String v = liquibase.util.LiquibaseUtil.getBuildVersion();
    return v == null ? "" : v;
  }
}
