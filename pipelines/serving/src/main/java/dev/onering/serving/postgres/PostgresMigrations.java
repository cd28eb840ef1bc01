package dev.onering.serving.postgres;

import dev.onering.pipeline.Redaction;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import liquibase.Scope;
import liquibase.UpdateSummaryEnum;
import liquibase.UpdateSummaryOutputEnum;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.changelog.visitor.AbstractChangeExecListener;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.ChangeExecListenerCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.command.core.helpers.ShowSummaryArgument;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.LockException;
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.ui.LoggerUIService;

/**
 * Brings a Postgres database up to the Gold changelog
 * ({@code platform/liquibase/postgres/changelog.yaml}) through Liquibase's Java API: the same file
 * the stack's migration container runs, so both runtimes get the same schema.
 */
public final class PostgresMigrations {

  /** Where the changelog lives, relative to the repository root. */
  public static final Path CHANGELOG = Path.of("platform", "liquibase", "postgres", "changelog.yaml");

  private static final System.Logger LOG = System.getLogger(PostgresMigrations.class.getName());

  /**
   * Liquibase logs through java.util.logging under "liquibase.*", a few INFO lines per statement.
   * Warnings and errors still show; a level set in a logging.properties wins. Held in a field
   * because JUL keeps loggers only weakly and would forget the level.
   */
  private static final java.util.logging.Logger LIQUIBASE_JUL = quietLiquibase();

  private static java.util.logging.Logger quietLiquibase() {
    java.util.logging.Logger l = java.util.logging.Logger.getLogger("liquibase");
    if (l.getLevel() == null) {
      l.setLevel(java.util.logging.Level.WARNING);
    }
    return l;
  }

  private PostgresMigrations() {}

  /**
   * Runs every changeset of {@code changelog} that has not run on this database yet, and returns
   * how many ran (0 when the schema is already up to date). Idempotent.
   *
   * @throws IllegalStateException naming the changelog and database when a changeset fails; the
   *     failed changeset is rolled back (Postgres DDL is transactional), earlier ones stay
   */
  public static int apply(PostgresConnection settings, Path changelog) {
    Path file = changelog.toAbsolutePath().normalize();
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("Liquibase changelog " + file + " does not exist; run from the"
          + " repository root or pass the path of " + CHANGELOG);
    }
    long t0 = System.nanoTime();
    AtomicInteger ran = new AtomicInteger();
    try (Connection jdbc = settings.open()) {
      Database database =
          DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(jdbc));
      // Resolving relative to the changelog's folder keeps included files and the stored
      // filenames independent of where the JVM was started.
      Map<String, Object> scope = new HashMap<>();
      scope.put(Scope.Attr.resourceAccessor.name(), new DirectoryResourceAccessor(file.getParent()));
      // Liquibase prints progress to the console through its UI service: route it into the
      // (quieted) log instead. The one summary line is ours, below.
      scope.put(Scope.Attr.ui.name(), new LoggerUIService());
      scope.put("liquibase.analytics.enabled", false);
      scope.put("liquibase.showBanner", false);
      Scope.child(scope, () -> new CommandScope(UpdateCommandStep.COMMAND_NAME)
          .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
          .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, file.getFileName().toString())
          .addArgumentValue(ShowSummaryArgument.SHOW_SUMMARY, UpdateSummaryEnum.OFF)
          .addArgumentValue(ShowSummaryArgument.SHOW_SUMMARY_OUTPUT, UpdateSummaryOutputEnum.LOG)
          .addArgumentValue(ChangeExecListenerCommandStep.CHANGE_EXEC_LISTENER_ARG, new Counter(ran))
          .execute());
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    } catch (Exception e) {
      throw new IllegalStateException(failure(file, settings, e), e);
    }
    LOG.log(Level.INFO, "Liquibase: {0} changeset(s) applied from {1} to {2} in {3} ms",
        String.valueOf(ran.get()), file, settings.redactedUrl(),
        String.valueOf((System.nanoTime() - t0) / 1_000_000));
    return ran.get();
  }

  /** Finds {@link #CHANGELOG} from {@code start} or one of its parents (tests run from a module). */
  public static Path locateChangelog(Path start) {
    for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(CHANGELOG);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalArgumentException("No " + CHANGELOG + " in " + start.toAbsolutePath()
        + " or any parent; run from inside the OneRing repository or pass the changelog path");
  }

  private static String failure(Path file, PostgresConnection settings, Exception e) {
    Throwable root = e;
    boolean lock = false;
    for (Throwable t = e; t != null; t = t.getCause()) {
      lock |= t instanceof LockException;
      root = t;
    }
    String msg = "Liquibase update of " + settings.redactedUrl() + " from " + file + " failed: "
        + Redaction.credentials(root.getMessage());
    if (lock) {
      msg += ". Another migration holds the Liquibase lock, or one died holding it: if none is"
          + " running, clear it with UPDATE databasechangeloglock SET locked = false and retry.";
    }
    return msg;
  }

  /** Counts changesets whose SQL actually ran (not skipped, not just marked as ran). */
  private static final class Counter extends AbstractChangeExecListener {
    private final AtomicInteger ran;

    Counter(AtomicInteger ran) {
      this.ran = ran;
    }

    @Override
    public void ran(ChangeSet changeSet, DatabaseChangeLog log, Database db, ChangeSet.ExecType type) {
      if (type == ChangeSet.ExecType.EXECUTED || type == ChangeSet.ExecType.RERAN) {
        ran.incrementAndGet();
      }
    }
  }
}
