package dev.onering.cli.steps;

import dev.onering.cli.Progress;
import dev.onering.cli.StepContext;
import dev.onering.spark.lake.LakeMaintenance;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lake maintenance, not a pipeline step: compacts each Iceberg table's small files and expires its
 * snapshots beyond the last {@code retainLast} ({@link LakeMaintenance}), so re-runs do not grow the
 * lake without bound. Run it between pipeline runs ({@code onering maintain}).
 */
public final class MaintainStep implements PipelineStep {

  /** Snapshots kept per table by default: time travel reaches back this many commits. */
  public static final int RETAIN_LAST_DEFAULT = 10;

  private final int retainLast;

  public MaintainStep(int retainLast) {
    this.retainLast = retainLast;
  }

  @Override
  public String id() {
    return "maintain";
  }

  @Override
  public Outcome execute(StepContext ctx, StepRequest request) {
    Progress.update("compacting and expiring snapshots");
    List<LakeMaintenance.TableResult> results = LakeMaintenance.run(ctx.spark(), ctx.tables(), retainLast);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("retain_last", retainLast);
    details.put("tables", LakeMaintenance.describe(results));
    Map<String, Long> snapshots = new LinkedHashMap<>();
    results.forEach(r -> snapshots.put(r.table(), r.snapshotAfter()));
    details.put("snapshots", snapshots);
    details.put("data_files_deleted", results.stream().mapToLong(LakeMaintenance.TableResult::dataFilesDeleted).sum());
    results.stream().filter(r -> r.skipped() != null).forEach(r -> Progress.info(r.table() + " skipped: " + r.skipped()));
    return Outcome.success(results.size(), results.size(), 0, details);
  }
}
