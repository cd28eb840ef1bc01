package dev.onering.cli.steps;

import dev.onering.cli.StepContext;
import dev.onering.serving.postgres.GoldPublication;
import dev.onering.serving.postgres.GoldPublisher;
import dev.onering.spark.gold.SilverToGold;
import java.util.LinkedHashMap;
import java.util.Map;

/** Replaces Postgres Gold with the gold zone, in one transaction. */
public final class PublishGoldStep implements PipelineStep {

  @Override
  public String id() {
    return "publish-gold";
  }

  @Override
  public Outcome execute(StepContext ctx, StepRequest request) {
    SilverToGold.GoldTables gold = SilverToGold.read(ctx.spark(), ctx.lake());
    GoldPublication p = GoldPublisher.publish(ctx.postgres(), request.runId(), gold.daily(), gold.summary());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("publication", p);
    long rows = gold.daily().size() + gold.summary().size();
    return Outcome.success(rows, rows, 0, details);
  }
}
