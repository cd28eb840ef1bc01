package dev.onering.cli.steps;

import dev.onering.cli.Progress;
import dev.onering.cli.StepContext;
import dev.onering.pipeline.StepResult;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A step of the pipeline spec: the same code whether the CLI, the runner or Airflow calls it. */
public interface PipelineStep {

  /** The step id in pipelines/spec/medallion.yaml. */
  String id();

  Outcome execute(StepContext ctx, StepRequest request) throws Exception;

  /** What the body of a step returns; timing and error handling are added around it. */
  record Outcome(StepResult.Status status, long rowsIn, long rowsOut, long rowsRejected, Map<String, Object> details,
      Object quality, String error) {

    public static Outcome success(long in, long out, long rejected, Map<String, Object> details) {
      return new Outcome(StepResult.Status.success, in, out, rejected, details, null, null);
    }

    public static Outcome skipped(String why) {
      return new Outcome(StepResult.Status.skipped, 0, 0, 0, Map.of("reason", why), null, null);
    }

    public static Outcome failed(String error, Map<String, Object> details) {
      return new Outcome(StepResult.Status.failed, 0, 0, 0, details, null, error);
    }
  }

  /**
   * Runs a step and always returns a result: an exception becomes a failed result with its message.
   * The error, which ends up in the step's JSON, XCom and the report, has the configured secrets
   * blanked: the last guard, after the stores' own redaction.
   */
  static StepResult run(PipelineStep step, StepContext ctx, StepRequest request) {
    Progress.step(step.id());
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    Outcome o;
    try {
      o = step.execute(ctx, request);
    } catch (Exception | LinkageError e) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("exception", e.getClass().getName());
      o = Outcome.failed(message(e), details);
    }
    Progress.endLine();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    return new StepResult(step.id(), request.runDate(), o.status(), started, ms, o.rowsIn(), o.rowsOut(),
        o.rowsRejected(), o.details(), o.quality(), ctx.redaction().apply(o.error()));
  }

  /** The most specific message in a cause chain: Spark wraps the one that says what to do. */
  static String message(Throwable e) {
    Throwable t = e;
    String best = e.toString();
    while (t != null) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        best = t.getMessage();
      }
      t = t.getCause() == t ? null : t.getCause();
    }
    return best.length() > 2000 ? best.substring(0, 2000) + "..." : best;
  }
}
