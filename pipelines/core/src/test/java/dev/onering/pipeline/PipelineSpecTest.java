package dev.onering.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineSpecTest {

  private static PipelineSpec parse(String yaml) throws Exception {
    return PipelineSpec.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void theShippedSpecPlansEveryStepAfterItsDependencies() {
    PipelineSpec spec = PipelineSpec.medallion();
    for (String runtime : List.of("embedded", "stack")) {
      List<PipelineSpec.Step> plan = spec.plan(runtime);
      List<String> ids = plan.stream().map(PipelineSpec.Step::id).toList();
      for (PipelineSpec.Step s : plan) {
        for (String d : s.dependsOn()) {
          assertThat(ids.indexOf(d)).as("%s before %s (%s)", d, s.id(), runtime).isLessThan(ids.indexOf(s.id()));
        }
      }
    }
    assertThat(spec.plan("stack")).extracting(PipelineSpec.Step::id).doesNotContain("generate");
    assertThat(spec.plan("embedded")).extracting(PipelineSpec.Step::id).contains("generate", "silver", "gold");
  }

  @Test
  void dependenciesComeFirstWhateverTheDeclarationOrder() throws Exception {
    PipelineSpec spec = parse("""
        pipeline: p
        steps:
          - {id: c, command: [c], depends_on: [b]}
          - {id: a, command: [a]}
          - {id: b, command: [b], depends_on: [a]}
        """);
    assertThat(spec.plan("embedded")).extracting(PipelineSpec.Step::id).containsExactly("a", "b", "c");
  }

  @Test
  void cyclesAndUnknownDependenciesAreRefusedWithTheirNames() {
    assertThatThrownBy(() -> parse("""
        pipeline: p
        steps:
          - {id: a, command: [a], depends_on: [b]}
          - {id: b, command: [b], depends_on: [a]}
        """)).hasRootCauseMessage("the pipeline has a cycle: a -> b -> a");
    assertThatThrownBy(() -> parse("""
        pipeline: p
        steps:
          - {id: a, command: [a], depends_on: [zz]}
        """)).rootCause().hasMessageContaining("'a' depends on 'zz'");
  }
}
