package dev.onering.cli;

import dev.onering.cli.steps.PipelineStep;
import dev.onering.cli.steps.StepRequest;
import dev.onering.cli.steps.Steps;
import dev.onering.pipeline.Json;
import dev.onering.pipeline.StepResult;
import dev.onering.simulator.SimulationConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * One pipeline step as a command: runs it, prints its JSON result as the last line of standard
 * output (docs/step-contract.md), and exits 0 unless it failed.
 */
abstract class StepCommand implements Callable<Integer> {

  @Mixin Options.Common common;

  abstract String stepId();

  /** The command's own flags that are settings, by key (see {@link Settings}). */
  Map<String, String> flags() {
    return Map.of();
  }

  StepRequest request(Settings settings) {
    return new StepRequest(common.dates(), common.runId(), SimulationConfig.defaults(), null, null);
  }

  /** This invocation's configuration: the options given, the environment, the --config file. */
  Settings settings() {
    return common.settings(flags());
  }

  /** The step this command runs; a command with options of its own builds it from them. */
  PipelineStep step() {
    return Steps.get(stepId());
  }

  @Override
  public Integer call() throws Exception {
    PipelineStep step = step();
    Settings settings = settings();
    StepRequest request = request(settings);
    StepResult result;
    try (StepContext ctx = new StepContext(settings)) {
      result = PipelineStep.run(step, ctx, request);
    }
    String json = Json.MAPPER.writeValueAsString(result);
    if (common.result != null) {
      Path parent = common.result.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Files.writeString(common.result, json + "\n");
    }
    if (!result.succeeded() && result.error() != null) {
      System.err.println("onering " + stepId() + ": " + result.error());
    }
    System.out.println(json);
    return result.status() == StepResult.Status.failed ? 1 : 0;
  }

  @Command(name = "migrate", mixinStandardHelpOptions = true,
      description = {"Apply the Liquibase changelogs (platform/liquibase) to ClickHouse and Postgres. Applying again changes nothing.",
          "ClickHouse is chDB under --data-dir, or the server at ONERING_CLICKHOUSE_URL (ONERING_CLICKHOUSE_USER/_PASSWORD)."})
  static final class Migrate extends StepCommand {
    @Override
    String stepId() {
      return "migrate";
    }
  }

  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = {"Simulate trade ticks with injected defects into Bronze (bronze/ticks/date=D/), in a local or s3a lake.",
          "Deterministic: the same options give the same bytes. With --run-date or --from/--to only those days are written."})
  static final class Generate extends StepCommand {
    @Mixin Options.Dataset dataset;

    @Override
    String stepId() {
      return "generate";
    }

    @Override
    StepRequest request(Settings settings) {
      return new StepRequest(common.dates(), common.runId(), dataset.config(), null, dataset.truthDir);
    }
  }

  @Command(name = "silver", mixinStandardHelpOptions = true,
      description = {"Clean Bronze ticks into the Silver Iceberg tables trades, bars_1m and batch_stats (Spark).",
          "What fails a rule goes to quarantine with its reason. Writes the tables' audit branch, one commit per table that replaces the dates' rows: a",
          "re-run never duplicates, a crash changes nothing. quality-silver publishes it. Rules: docs/cleaning-rules.md."})
  static final class Silver extends StepCommand {
    @Override
    String stepId() {
      return "silver";
    }
  }

  @Command(name = "silver-csv", mixinStandardHelpOptions = true,
      description = {"Validate imported daily OHLCV rows into the Silver Iceberg table daily_imported (Spark).",
          "Writes its audit branch; bad rows go to quarantine naming file, line and field."})
  static final class SilverCsv extends StepCommand {
    @Override
    String stepId() {
      return "silver-csv";
    }
  }

  @Command(name = "load-silver", mixinStandardHelpOptions = true,
      description = {"Load published Silver into ClickHouse, replacing the dates' partitions.",
          "The tables silver.trades, silver.bars_1m and silver.batch_stats get the data files of the Iceberg tables' published snapshot (main): never a file of an unpublished write.",
          "Into chDB under --data-dir, or the server at ONERING_CLICKHOUSE_URL (ONERING_CLICKHOUSE_USER/_PASSWORD)."})
  static final class LoadSilver extends StepCommand {
    @Override
    String stepId() {
      return "load-silver";
    }
  }

  @Command(name = "quality-silver", mixinStandardHelpOptions = true,
      description = {"The quality gate in front of Gold: validate Silver's audit branch, and publish it if it passes.",
          "Write-audit-publish: the Bronze, Silver and batch-stats suites (platform/quality/great_expectations/expectations) run on the dates' rows of the Silver tables' audit branch.",
          "A pass publishes Silver (main fast-forwards to the audit branch). A critical failure publishes nothing,",
          "exits 1 listing the failures and says 'not published'; the runner then skips load-silver, gold and publish-gold.",
          "Results go to gold.quality_results, the lake (quality/validations/) and the JSON result (docs/quality.md)."})
  static final class QualitySilver extends StepCommand {
    @Override
    String stepId() {
      return "quality-silver";
    }
  }

  @Command(name = "maintain", mixinStandardHelpOptions = true,
      description = {"Compact the Silver and Gold Iceberg tables and expire their old snapshots.",
          "Each table's small data files become fewer, and its snapshots beyond the last --retain-last expire, deleting the files only they held, so re-runs do not",
          "grow the lake without bound. The result lists each table's snapshot id and what was removed.",
          "Run it between pipeline runs: a Silver table with an unpublished write on its audit branch is skipped."})
  static final class Maintain extends StepCommand {
    @Option(names = "--retain-last", defaultValue = "" + dev.onering.cli.steps.MaintainStep.RETAIN_LAST_DEFAULT,
        description = "Snapshots kept per table; time travel reaches back this many commits (default: ${DEFAULT-VALUE}).")
    int retainLast;

    @Override
    String stepId() {
      return "maintain";
    }

    @Override
    PipelineStep step() {
      return new dev.onering.cli.steps.MaintainStep(retainLast);
    }
  }

  @Command(name = "gold", mixinStandardHelpOptions = true,
      description = {"Build Gold from all of published Silver.",
          "Daily bars, returns, SMA-20, z-score, volatility, RSI-14 and the instrument summary (docs/metrics.md), into the Iceberg tables gold.daily_bars and gold.instrument_summary, each replaced in one commit."})
  static final class Gold extends StepCommand {
    @Override
    String stepId() {
      return "gold";
    }
  }

  @Command(name = "publish-gold", mixinStandardHelpOptions = true,
      description = {"Replace the Postgres gold tables with the Gold Iceberg tables' current snapshot.",
          "One transaction: readers never see half a publish.",
          "The Gold expectation suites run inside that transaction: a critical failure rolls it back, Gold stays as it was."})
  static final class PublishGold extends StepCommand {
    @Override
    String stepId() {
      return "publish-gold";
    }
  }

  @Command(name = "features", mixinStandardHelpOptions = true,
      description = {"Build the feature table of pipelines/spec/features.yaml from Gold daily bars (Spark).",
          "Returns, volatility, z-score, RSI, volume ratio, calendar and the forward label, into gold/features_daily and Postgres gold.features_daily.",
          "Always the whole table, replaced when complete: running it again never duplicates a row (docs/ml.md)."})
  static final class Features extends StepCommand {
    @Override
    String stepId() {
      return "features";
    }
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = {"Train XGBoost on the feature table by walk-forward folds.",
          "Each fold is scored against the majority class and the z-score rule; writes the model (XGBoost JSON) and training.json to gold/ml/models/onering/<run-id>/ (docs/ml.md)."})
  static final class Train extends StepCommand {
    @Override
    String stepId() {
      return "train";
    }
  }

  @Command(name = "register", mixinStandardHelpOptions = true,
      description = {"Log the newest trained model to MLflow (ONERING_MLFLOW_URL) and register it.",
          "Params, per-fold and overall metrics, tags, the model as an MLflow model; registers a version of 'onering' and moves the alias 'champion' to it only when it beats",
          "the current champion on the holdout."})
  static final class Register extends StepCommand {
    @Override
    String stepId() {
      return "register";
    }
  }

  @Command(name = "drift", mixinStandardHelpOptions = true,
      description = {"Feature drift with Evidently between the newest model's training window and the days after it.",
          "Runs platform/ml/drift/drift.py (ONERING_DRIFT_SCRIPT) in .cache/venvs/evidently (ONERING_VENVS; make py-setup makes it);",
          "keeps drift.html, drift.json and drift_table.json in gold/ml/drift/<run-id>/."})
  static final class Drift extends StepCommand {
    @Override
    String stepId() {
      return "drift";
    }
  }

  @Command(name = "ingest", mixinStandardHelpOptions = true, description = "Bring outside data into Bronze.",
      subcommands = {IngestCsv.class})
  static final class Ingest implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "say what to ingest, e.g. `onering ingest csv --csv-dir DIR`");
    }
  }

  @Command(name = "csv", mixinStandardHelpOptions = true,
      description = {"Copy daily OHLCV CSV files (date,open,high,low,close,volume[,symbol]) into Bronze as received.",
          "They land in bronze/ohlcv_csv/ingest_date=D/. The symbol is the file name up to its first dot or underscore unless a symbol column says otherwise.",
          "The folder is local or an s3a URI (the stack's landing bucket, s3a://landing/ohlcv_csv)."})
  static final class IngestCsv extends StepCommand {
    @Option(names = "--csv-dir", paramLabel = "DIR",
        description = {"The folder of .csv files to import: a path or an",
            "s3a:// URI. Default: env ONERING_CSV_DIR, else",
            "`" + Settings.CSV_DIR + "` in the --config file, else none (skipped)."})
    String csvDir;

    @Override
    String stepId() {
      return "ingest-csv";
    }

    @Override
    Map<String, String> flags() {
      Map<String, String> flags = new HashMap<>();
      flags.put(Settings.CSV_DIR, csvDir);
      return flags;
    }

    @Override
    StepRequest request(Settings settings) {
      return new StepRequest(common.dates(), common.runId(), SimulationConfig.defaults(),
          settings.csvDir().orElse(null), null);
    }
  }
}
