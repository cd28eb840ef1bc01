package dev.onering.cli;

import dev.onering.simulator.SimulationConfig;
import dev.onering.simulator.SimulationOptions;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Option groups shared by the subcommands. */
public final class Options {
  private Options() {}

  /** Where things are, and which dates a step works on. */
  public static final class Common {
    @Option(names = "--run-date", paramLabel = "YYYY-MM-DD",
        description = "The partition to work on. Steps over dates default to every date their input has.")
    LocalDate runDate;

    @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "First date of a range (with --to).")
    LocalDate from;

    @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Last date of a range, inclusive.")
    LocalDate to;

    @Option(names = "--lake", paramLabel = "ROOT",
        description = {"The lake root: a folder, s3a:// (a bucket per zone:",
            "s3a://bronze/..., the stack's MinIO) or",
            "s3a://bucket/prefix, with the S3 endpoint and keys",
            "from ONERING_S3_*. Default: env ONERING_LAKE, else",
            "`" + Settings.LAKE + "` in the --config file, else " + Settings.LAKE_DEFAULT + "."})
    String lake;

    @Option(names = "--data-dir", paramLabel = "DIR",
        description = {"Where the embedded ClickHouse and Postgres keep",
            "their data. Default: env ONERING_DATA_DIR, else",
            "`" + Settings.DATA_DIR + "` in the --config file, else " + Settings.DATA_DIR_DEFAULT + "."})
    String dataDir;

    // Short lines: picocli wraps at a dot too, and would show "stage. times".
    @Option(names = "--config", paramLabel = "FILE",
        description = {"A properties file of settings, with the keys",
            Settings.LAKE + ", " + Settings.DATA_DIR + ", " + Settings.OUT_DIR + ", " + Settings.HOME + ", "
                + Settings.CSV_DIR + ",",
            Settings.CLICKHOUSE_URL + ", " + Settings.CLICKHOUSE_USER + ", " + Settings.S3_ENDPOINT + ",",
            Settings.S3_ACCESS_KEY + ", " + Settings.PG_URL + ", " + Settings.PG_USER + ",",
            Settings.CATALOG_URL + ", " + Settings.CATALOG_USER + ", " + Settings.CHDB_LIB + ",",
            Settings.STAGE_TIMES + ", " + Settings.MLFLOW_URL + ", " + Settings.VENVS + ", " + Settings.DRIFT_SCRIPT,
            "(docs/step-contract.md). Flags and",
            "ONERING_* variables win over it. Secrets",
            "(passwords, the S3 secret key) come only from the",
            "environment: a file that sets one, or a key",
            "onering does not know, is refused."})
    Path config;

    // No secret is ever a flag: these exist only to refuse one, saying which variable to set.
    @Option(names = "--clickhouse-password", hidden = true)
    String clickhousePassword;

    @Option(names = "--pg-password", hidden = true)
    String pgPassword;

    @Option(names = "--catalog-password", hidden = true)
    String catalogPassword;

    @Option(names = "--s3-secret-key", hidden = true)
    String s3SecretKey;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--result", paramLabel = "FILE", description = "Also write the step's JSON result to this file.")
    Path result;

    @Option(names = "--run-id", paramLabel = "ID", description = "Names the run in audit tables (default: a timestamp).")
    String runId;

    public List<LocalDate> dates() {
      if (runDate != null && (from != null || to != null)) {
        throw new IllegalArgumentException("give either --run-date or --from/--to, not both");
      }
      if (runDate != null) {
        return List.of(runDate);
      }
      if (from == null && to == null) {
        return List.of();
      }
      if (from == null || to == null) {
        throw new IllegalArgumentException("--from and --to go together");
      }
      if (to.isBefore(from)) {
        throw new IllegalArgumentException("--to " + to + " is before --from " + from);
      }
      List<LocalDate> dates = new ArrayList<>();
      for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
        dates.add(d);
      }
      return dates;
    }

    /**
     * The configuration of this invocation, read once by the command: these options and the
     * command's own flags ({@code commandFlags}, by settings key), the environment and the
     * {@code --config} file.
     */
    public Settings settings(Map<String, String> commandFlags) {
      Map<String, String> flags = new HashMap<>(commandFlags);
      flags.put(Settings.LAKE, lake);
      flags.put(Settings.DATA_DIR, dataDir);
      flags.put(Settings.CLICKHOUSE_PASSWORD, clickhousePassword);
      flags.put(Settings.PG_PASSWORD, pgPassword);
      flags.put(Settings.CATALOG_PASSWORD, catalogPassword);
      flags.put(Settings.S3_SECRET_KEY, s3SecretKey);
      return Settings.load(flags, config, environment());
    }

    /** The environment {@link OneRing} was made over. */
    private Map<String, String> environment() {
      if (mixee.root().userObject() instanceof OneRing root) {
        return root.environment();
      }
      throw new IllegalStateException("onering's commands run under OneRing.commandLine(), which reads the environment");
    }

    public String runId() {
      return runId != null ? runId
          : java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
              .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now());
    }
  }

  /** The simulated dataset. */
  public static final class Dataset {
    @Mixin SimulationOptions simulation;

    @Option(names = "--max-lines-per-file", description = "Bronze files roll over at this many lines (default: ${DEFAULT-VALUE}).",
        defaultValue = "" + SimulationConfig.DEFAULT_MAX_LINES_PER_FILE)
    int maxLinesPerFile;

    @Option(names = "--truth-dir", paramLabel = "DIR", description = "Also write the clean ticks, before defects, as CSV here.")
    Path truthDir;

    public Path truthDir() {
      return truthDir;
    }

    public SimulationConfig config() {
      return simulation.config(maxLinesPerFile);
    }
  }
}
