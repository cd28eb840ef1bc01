package dev.onering.cli.steps;

import dev.onering.cli.StepContext;
import dev.onering.gold.GoldChanges;
import dev.onering.spark.gold.SilverToGold;
import dev.onering.spark.lake.LakeTables;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Published Silver to the Gold Iceberg tables: see {@link SilverToGold}. Always over all of Silver.
 * The result says what the rebuild changed against the Gold it replaced, read back by time travel:
 * a re-run on the same Silver must report no change.
 */
public final class GoldStep implements PipelineStep {

  static final List<LakeTables.Id> GOLD_TABLES =
      List.of(LakeTables.Id.GOLD_DAILY_BARS, LakeTables.Id.GOLD_INSTRUMENT_SUMMARY);

  @Override
  public String id() {
    return "gold";
  }

  @Override
  public Outcome execute(StepContext ctx, StepRequest request) {
    LakeTables tables = ctx.tables();
    Map<LakeTables.Id, Long> previous = new LinkedHashMap<>();
    GOLD_TABLES.forEach(id -> tables.snapshotId(id, LakeTables.MAIN).ifPresent(s -> previous.put(id, s)));
    SilverToGold.GoldTables gold = SilverToGold.run(tables);
    if (gold.daily().isEmpty()) {
      return Outcome.failed("Silver is empty: run the silver and silver-csv steps first", Map.of());
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("symbols", gold.summary().size());
    details.put("daily_rows", gold.daily().size());
    // Each Gold table's snapshot after this run: read Gold as of this run later with these
    // (SilverToGold.read(tables, asOf); docs/data-model.md, Time travel).
    details.put("snapshots", tables.snapshotIds(GOLD_TABLES, LakeTables.MAIN));
    if (previous.size() == GOLD_TABLES.size()) {
      // Both sides read back from the tables, so the comparison sees what readers see.
      SilverToGold.GoldTables before = SilverToGold.read(tables, previous);
      SilverToGold.GoldTables after = SilverToGold.read(tables);
      GoldChanges changes = GoldChanges.between(before.daily(), before.summary(), after.daily(), after.summary());
      Map<String, Object> since = new LinkedHashMap<>();
      Map<String, Long> previousIds = new LinkedHashMap<>();
      previous.forEach((id, s) -> previousIds.put(id.qualifiedName(), s));
      since.put("snapshots", previousIds);
      since.putAll(changes.toMap());
      details.put("since_previous_run", since);
      details.put("headline", changes.headline());
    } else {
      details.put("headline", "Gold's first build in this lake");
    }
    long bars = gold.daily().size();
    return Outcome.success(bars, bars + gold.summary().size(), 0, details);
  }
}
