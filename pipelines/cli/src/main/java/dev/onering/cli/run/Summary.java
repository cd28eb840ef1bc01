package dev.onering.cli.run;

import dev.onering.pipeline.RunReport;
import dev.onering.pipeline.StepResult;
import java.util.Map;

/** The lines a person reads in the terminal while and after a run. */
final class Summary {
  private Summary() {}

  static String line(StepResult r) {
    String mark = switch (r.status()) {
      case success -> "ok  ";
      case skipped -> "skip";
      case failed -> "FAIL";
    };
    StringBuilder b = new StringBuilder(String.format("  %s %-13s %7.1f s", mark, r.step(), r.durationMs() / 1000.0));
    if (r.status() == StepResult.Status.success) {
      b.append(String.format("  %,d in -> %,d out", r.rowsIn(), r.rowsOut()));
      if (r.rowsRejected() > 0) {
        b.append(String.format(", %,d quarantined", r.rowsRejected()));
      }
    } else if (r.error() != null) {
      b.append("  ").append(r.error());
    } else if (r.details() != null && r.details().get("reason") != null) {
      b.append("  (").append(r.details().get("reason")).append(')');
    }
    return b.toString();
  }

  static String table(RunReport report) {
    StringBuilder b = new StringBuilder();
    b.append(String.format("Run %s %s in %.1f s%n", report.runId(), report.status(), report.durationMs() / 1000.0));
    for (Map.Entry<String, Long> e : report.layers().entrySet()) {
      b.append(String.format("  %-11s %,12d%n", e.getKey(), e.getValue()));
    }
    if (!report.quarantineByReason().isEmpty()) {
      b.append("  quarantine by reason:");
      report.quarantineByReason().forEach((k, v) -> b.append(String.format(" %s=%,d", k, v)));
      b.append(System.lineSeparator());
    }
    return b.toString();
  }
}
