package dev.onering.cli.run;

import dev.onering.cli.Options;
import dev.onering.cli.Progress;
import dev.onering.cli.Settings;
import dev.onering.cli.StepContext;
import dev.onering.cli.report.HtmlReport;
import dev.onering.cli.steps.GenerateStep;
import dev.onering.cli.steps.PipelineStep;
import dev.onering.cli.steps.StepRequest;
import dev.onering.cli.steps.Steps;
import dev.onering.pipeline.PipelineSpec;
import dev.onering.pipeline.RunReport;
import dev.onering.pipeline.StepResult;
import dev.onering.report.ReportWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs the whole pipeline in one process, in the order the spec gives, and writes the report. A
 * step whose dependency failed is skipped, not run on stale input.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run every step of the pipeline locally (the embedded runtime), with a report.",
        "Writes out/runs/<run-id>/report.json and report.html. The dataset options shape the simulated data."})
public final class RunCommand implements Callable<Integer> {

  @Mixin Options.Common common;
  @Mixin Options.Dataset dataset;

  @Option(names = "--csv-dir", paramLabel = "DIR",
      description = {"Daily OHLCV CSV files to import too: a folder or an",
          "s3a:// URI; 'none' to skip. Default: env",
          "ONERING_CSV_DIR, else `" + Settings.CSV_DIR + "` in the --config",
          "file, else platform/samples/ohlcv if present."})
  String csvDir;

  @Option(names = "--out", paramLabel = "DIR",
      description = {"Where run reports go. Default: env ONERING_OUT_DIR,",
          "else `" + Settings.OUT_DIR + "` in the --config file, else " + Settings.OUT_DIR_DEFAULT + "."})
  String out;

  @Option(names = "--from-bronze",
      description = "Skip generate: work on the Bronze already in the lake for the dataset's dates.")
  boolean fromBronze;

  @Option(names = "--steps", split = ",", paramLabel = "ID",
      description = "Run only these steps (ids from `onering steps`); the rest are skipped.")
  List<String> only;

  @Option(names = "--publish-unaudited",
      description = {"Publish the Silver steps' writes to main at once, without the quality gate: for",
          "timing silver and gold alone (make bench). Never for Silver that anyone reads."})
  boolean publishUnaudited;

  @Override
  public Integer call() throws Exception {
    String runId = common.runId();
    Instant started = Instant.now();
    List<StepResult> results = new ArrayList<>();
    RunReport report;
    Path runDir;
    Settings settings = settings();
    try (StepContext ctx = new StepContext(settings)) {
      ctx.publishUnaudited(publishUnaudited);
      runDir = settings.outDir().resolve("runs").resolve(runId);
      String csv = csvSource(settings);
      // The run works on the dataset's days, not on whatever else the lake holds from earlier runs.
      List<java.time.LocalDate> dates = common.dates();
      if (dates.isEmpty()) {
        dates = java.util.stream.Stream.iterate(dataset.config().startDate(), d -> d.plusDays(1))
            .limit(dataset.config().days()).toList();
      }
      StepRequest request = new StepRequest(dates, runId, dataset.config(), csv, dataset.truthDir());
      Set<String> notOk = new HashSet<>();
      List<PipelineSpec.Step> plan = PipelineSpec.medallion().plan("embedded");
      if (only != null) {
        for (String id : only) {
          if (plan.stream().noneMatch(st -> st.id().equals(id))) {
            throw new IllegalArgumentException("--steps: no step '" + id + "'; `onering steps` lists them");
          }
        }
      }
      System.err.printf("OneRing run %s: %d steps, lake %s%n", runId, plan.size(), ctx.lake());
      for (PipelineSpec.Step s : plan) {
        StepResult r;
        String blocked = s.dependsOn().stream().filter(notOk::contains).findFirst().orElse(null);
        String unselected = only != null && !only.contains(s.id()) ? "not selected with --steps"
            : fromBronze && s.id().equals("generate") ? "--from-bronze: using the Bronze already in the lake" : null;
        if (unselected != null) {
          r = new StepResult(s.id(), request.runDate(), StepResult.Status.skipped, Instant.now(), 0, 0, 0, 0,
              Map.of("reason", unselected), null, null);
        } else if (blocked != null) {
          r = new StepResult(s.id(), request.runDate(), StepResult.Status.skipped, Instant.now(), 0, 0, 0, 0,
              Map.of("reason", "upstream step '" + blocked + "' did not succeed"), null, null);
        } else {
          r = PipelineStep.run(Steps.of(s), ctx, stepRequest(s.id(), request));
        }
        if (r.status() != StepResult.Status.success && !(r.status() == StepResult.Status.skipped && blocked == null)) {
          notOk.add(s.id());
        }
        results.add(r);
        System.err.println(Summary.line(r));
      }
      Progress.step("report");
      report = new ReportBuilder(ctx).build(runId, started, results, GenerateStep.readManifest(ctx));
      keepModelFiles(ctx, runId, results, runDir);
    }
    ReportWriter.Written written = ReportWriter.write(report, HtmlReport::render, runDir);
    System.err.println();
    System.err.println(Summary.table(report));
    System.err.println("Report: " + written.html().toAbsolutePath());
    System.out.println(dev.onering.pipeline.Json.MAPPER.writeValueAsString(Map.of(
        "run_id", runId, "status", report.status(), "report", written.html().toAbsolutePath().toString())));
    return report.status() == StepResult.Status.failed ? 1 : 0;
  }

  /**
   * Without MLflow (the embedded runtime) the run folder is where a user finds the model: the
   * model and its training report under model/, Evidently's report under drift/.
   */
  private static void keepModelFiles(StepContext ctx, String runId, List<StepResult> results, Path runDir)
      throws java.io.IOException {
    dev.onering.lake.LakeFiles files = ctx.lakeFiles();
    for (StepResult r : results) {
      if (!r.succeeded()) {
        continue;
      }
      if (r.step().equals("train")) {
        copy(files, dev.onering.ml.ModelArtifacts.runDir(runId), List.of(dev.onering.ml.ModelArtifacts.MODEL_FILE, dev.onering.ml.ModelArtifacts.TRAINING_FILE),
            runDir.resolve("model"));
      } else if (r.step().equals("drift")) {
        copy(files, dev.onering.ml.ModelArtifacts.driftDir(runId), dev.onering.cli.steps.DriftStep.OUTPUTS,
            runDir.resolve("drift"));
      }
    }
  }

  private static void copy(dev.onering.lake.LakeFiles files, String dir, List<String> names, Path to)
      throws java.io.IOException {
    Files.createDirectories(to);
    for (String n : names) {
      try (java.io.InputStream in = files.open(dir + "/" + n)) {
        Files.copy(in, to.resolve(n), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** This run's configuration: the options given, the environment, the --config file. */
  public Settings settings() {
    Map<String, String> flags = new HashMap<>();
    flags.put(Settings.OUT_DIR, out);
    flags.put(Settings.CSV_DIR, csvDir);
    return common.settings(flags);
  }

  /** The ingest date of a run is the dataset's last day, so a re-run imports into the same partition. */
  private StepRequest stepRequest(String stepId, StepRequest run) {
    if (stepId.equals("ingest-csv")) {
      return new StepRequest(List.of(run.simulation().endDateInclusive()), run.runId(), run.simulation(),
          run.csvSource(), run.truthDir());
    }
    return run;
  }

  private static String csvSource(Settings settings) {
    String configured = settings.csvDir().orElse(null);
    if ("none".equals(configured)) {
      return null;
    }
    if (configured != null) {
      return configured;
    }
    try {
      Path samples = settings.home().resolve("platform/samples/ohlcv");
      return Files.isDirectory(samples) ? samples.toString() : null;
    } catch (IllegalStateException e) {
      return null;
    }
  }
}
