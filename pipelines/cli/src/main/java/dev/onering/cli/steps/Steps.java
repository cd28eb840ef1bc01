package dev.onering.cli.steps;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every onering step by its spec id. A spec step without an implementation fails the build's tests;
 * python steps are the spec's own commands ({@link PythonStep}), not listed here.
 */
public final class Steps {
  private Steps() {}

  public static final Map<String, PipelineStep> ALL = index(List.of(
      new MigrateStep(), new GenerateStep(), new IngestCsvStep(), new SilverStep(), new SilverCsvStep(),
      new LoadSilverStep(), QualityStep.silver(), new GoldStep(), new PublishGoldStep(), new FeaturesStep(),
      new TrainStep(), new RegisterStep(), new DriftStep()));

  private static Map<String, PipelineStep> index(List<PipelineStep> steps) {
    Map<String, PipelineStep> m = new LinkedHashMap<>();
    steps.forEach(s -> m.put(s.id(), s));
    return m;
  }

  /** The implementation of a spec step: a python step runs its own command, the rest are onering's. */
  public static PipelineStep of(dev.onering.pipeline.PipelineSpec.Step step) {
    return step.isPython() ? new PythonStep(step) : get(step.id());
  }

  public static PipelineStep get(String id) {
    PipelineStep s = ALL.get(id);
    if (s == null) {
      throw new IllegalArgumentException("no step '" + id + "'; known steps: " + String.join(", ", ALL.keySet()));
    }
    return s;
  }
}
