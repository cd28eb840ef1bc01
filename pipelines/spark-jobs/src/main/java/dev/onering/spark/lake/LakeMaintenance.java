package dev.onering.spark.lake;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.actions.ExpireSnapshots;
import org.apache.iceberg.actions.RewriteDataFiles;
import org.apache.iceberg.spark.actions.SparkActions;
import org.apache.spark.sql.SparkSession;

/**
 * Keeps the lake from growing with every re-run: per table, compacts small data files (Iceberg's
 * rewrite-data-files, which bin-packs a partition's files into fewer) and expires old snapshots
 * beyond the last {@code retainLast}, which deletes the data and metadata files only they held.
 * Both are ordinary Iceberg commits: readers of the current snapshot are never disturbed.
 *
 * <p>A Silver table whose audit branch holds a write not yet published is left alone: compacting
 * main then would make main no longer an ancestor of the audit branch, and the gate could not
 * fast-forward it. Run maintenance between pipeline runs (`onering maintain`).
 */
public final class LakeMaintenance {
  private LakeMaintenance() {}

  /** What maintenance did to one table. */
  public record TableResult(String table, long snapshotBefore, long snapshotAfter, int snapshotsBefore,
      int snapshotsAfter, int filesRewritten, int filesAdded, long dataFilesDeleted, String skipped) {}

  /**
   * Maintains every existing table.
   *
   * @param retainLast snapshots kept per table (at least 1); older ones are expired, so time
   *     travel reaches back that many commits
   */
  public static List<TableResult> run(SparkSession spark, LakeTables tables, int retainLast) {
    if (retainLast < 1) {
      throw new IllegalArgumentException("retainLast must be at least 1, was " + retainLast);
    }
    List<TableResult> out = new ArrayList<>();
    for (LakeTables.Id id : LakeTables.Id.values()) {
      Optional<Table> found = tables.find(id);
      if (found.isEmpty()) {
        continue;
      }
      Table t = found.get();
      long before = t.currentSnapshot().snapshotId();
      int snapshotsBefore = count(t.snapshots());
      Snapshot audit = t.snapshot(LakeTables.AUDIT);
      if (audit != null && audit.snapshotId() != before) {
        out.add(new TableResult(id.qualifiedName(), before, before, snapshotsBefore, snapshotsBefore, 0, 0, 0,
            "the audit branch holds an unpublished write (snapshot " + audit.snapshotId()
                + "); run the quality gate (onering quality-silver) or the silver step again first"));
        continue;
      }
      RewriteDataFiles.Result rewrite = SparkActions.get(spark).rewriteDataFiles(t)
          // Any partition with two or more files is compacted: the tables are small, a file per
          // partition is the goal.
          .option(RewriteDataFiles.TARGET_FILE_SIZE_BYTES, String.valueOf(256L << 20))
          .option("min-input-files", "2")
          .execute();
      t.refresh();
      if (audit != null && t.currentSnapshot().snapshotId() != before) {
        // Keep the audit branch on main, as a published table has it.
        t.manageSnapshots().replaceBranch(LakeTables.AUDIT, t.currentSnapshot().snapshotId()).commit();
      }
      ExpireSnapshots.Result expired = SparkActions.get(spark).expireSnapshots(t)
          .expireOlderThan(System.currentTimeMillis() + 1)
          .retainLast(retainLast)
          .execute();
      t.refresh();
      out.add(new TableResult(id.qualifiedName(), before, t.currentSnapshot().snapshotId(), snapshotsBefore,
          count(t.snapshots()), rewrite.rewrittenDataFilesCount(), rewrite.addedDataFilesCount(),
          expired.deletedDataFilesCount(), null));
    }
    return out;
  }

  private static int count(Iterable<?> it) {
    int n = 0;
    for (Object ignored : it) {
      n++;
    }
    return n;
  }

  /** The results by table, for a step's JSON result. */
  public static Map<String, Object> describe(List<TableResult> results) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (TableResult r : results) {
      m.put(r.table(), r);
    }
    return m;
  }
}
