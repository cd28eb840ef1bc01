package dev.onering.cli.steps;

import dev.onering.cli.Progress;
import dev.onering.cli.StepContext;
import dev.onering.features.FeatureSpec;
import dev.onering.serving.postgres.FeaturePublisher;
import dev.onering.spark.features.GoldToFeatures;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gold to the feature table ({@link GoldToFeatures}): the lake's gold/features_daily for training and
 * Feast, then Postgres gold.features_daily for Metabase. Always the whole table: a new day changes
 * the labels of the days before it.
 */
public final class FeaturesStep implements PipelineStep {

  @Override
  public String id() {
    return "features";
  }

  @Override
  public Outcome execute(StepContext ctx, StepRequest request) {
    FeatureSpec spec = FeatureSpec.standard();
    GoldToFeatures.Result r = GoldToFeatures.run(ctx.spark(), ctx.tables(), spec);
    Progress.update("writing gold.features_daily");
    List<Map<String, Object>> rows = GoldToFeatures.collect(ctx.spark().read().parquet(r.location()));
    long published = FeaturePublisher.replace(ctx.postgres(), spec, rows);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("table", r.location());
    details.put("symbols", r.symbols());
    details.put("labelled_rows", r.labelled());
    details.put("postgres_rows", published);
    details.put("features", spec.featureNames());
    return Outcome.success(r.rows(), r.rows(), 0, details);
  }
}
