package dev.onering.cli;

import dev.onering.simulator.SimulationConfig;
import dev.onering.simulator.SimulationOptions;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
        description = {"Lake root: a folder, s3a:// (a bucket per zone: s3a://bronze/..., the stack's MinIO) or",
            "s3a://bucket/prefix; S3 endpoint and keys from ONERING_S3_* (env ONERING_LAKE, default: ${DEFAULT-VALUE})."},
        defaultValue = "${env:ONERING_LAKE:-" + Settings.LAKE_DEFAULT + "}")
    String lake;

    @Option(names = "--data-dir", paramLabel = "DIR",
        description = "Where the embedded ClickHouse and Postgres keep their data (env ONERING_DATA_DIR, default: ${DEFAULT-VALUE}).",
        defaultValue = "${env:ONERING_DATA_DIR:-" + Settings.DATA_DIR_DEFAULT + "}")
    String dataDir;

    @Option(names = "--config", paramLabel = "FILE",
        description = "A properties file of settings (lake, data.dir, out.dir); flags and ONERING_* variables win over it.")
    Path config;

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

    public Settings settings() {
      return Settings.load(config);
    }

    public StepContext context() {
      return new StepContext(settings(), lake, dataDir);
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
