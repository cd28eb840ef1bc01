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
          - {id: c, command: [c], engine: light, depends_on: [b]}
          - {id: a, command: [a], engine: light}
          - {id: b, command: [b], engine: spark, depends_on: [a]}
        """);
    assertThat(spec.plan("embedded")).extracting(PipelineSpec.Step::id).containsExactly("a", "b", "c");
  }

  @Test
  void cyclesAndUnknownDependenciesAreRefusedWithTheirNames() {
    assertThatThrownBy(() -> parse("""
        pipeline: p
        steps:
          - {id: a, command: [a], engine: light, depends_on: [b]}
          - {id: b, command: [b], engine: light, depends_on: [a]}
        """)).hasRootCauseMessage("the pipeline has a cycle: a -> b -> a");
    assertThatThrownBy(() -> parse("""
        pipeline: p
        steps:
          - {id: a, command: [a], engine: light, depends_on: [zz]}
        """)).rootCause().hasMessageContaining("'a' depends on 'zz'");
  }

  @Test
  void theMlDagRunsAfterMedallionAndTheRunnerLooksThroughStackOnlySteps() {
    PipelineSpec spec = PipelineSpec.medallion();
    assertThat(spec.dags().get("ml").after()).isEqualTo("medallion");
    assertThat(spec.stepsOf("ml")).extracting(PipelineSpec.Step::id)
        .containsExactly("features", "train", "register", "materialize", "deploy", "drift");
    assertThat(spec.stepsOf("medallion")).extracting(PipelineSpec.Step::id).contains("gold").doesNotContain("features");
    List<PipelineSpec.Step> embedded = spec.plan("embedded");
    PipelineSpec.Step drift = embedded.stream().filter(s -> s.id().equals("drift")).findFirst().orElseThrow();
    // deploy, materialize and register are stack-only: drift waits for what they wait for.
    assertThat(drift.dependsOn()).containsExactly("train");
    assertThat(embedded).extracting(PipelineSpec.Step::id).doesNotContain("register", "materialize", "deploy")
        .containsSubsequence("publish-gold", "features", "train", "drift");
    PipelineSpec.Step materialize = spec.steps().stream().filter(s -> s.id().equals("materialize")).findFirst().orElseThrow();
    assertThat(materialize.isPython()).isTrue();
    assertThat(materialize.venv()).isEqualTo("featurestore");
    assertThat(materialize.commandFor(java.time.LocalDate.of(2026, 9, 1))).endsWith("--run-date", "2026-09-01");
  }

  @Test
  void aPythonStepNeedsAVenvAndAStepsDagMustBeDeclared() {
    assertThatThrownBy(() -> parse("""
        pipeline: p
        steps:
          - {id: a, command: [feast], engine: python}
        """)).rootCause().hasMessageContaining("a python step names the service virtualenv");
    assertThatThrownBy(() -> parse("""
        pipeline: p
        steps:
          - {id: a, command: [a], engine: light, venv: feast}
        """)).rootCause().hasMessageContaining("venv is for python steps");
    assertThatThrownBy(() -> parse("""
        pipeline: p
        steps:
          - {id: a, command: [a], engine: light, dag: ml}
        """)).rootCause().hasMessageContaining("dag 'ml', which is not declared under dags:");
    assertThatThrownBy(() -> parse("""
        pipeline: p
        dags: {ml: {after: nope}}
        steps:
          - {id: a, command: [a], engine: light, dag: ml}
        """)).rootCause().hasMessageContaining("runs after 'nope'");
  }

  @Test
  void theStreamingJobIsAStackStepTheLocalRunnerNeverPlans() {
    PipelineSpec spec = PipelineSpec.medallion();
    List<PipelineSpec.Step> streaming = spec.steps().stream().filter(PipelineSpec.Step::isStreaming).toList();
    assertThat(streaming).extracting(PipelineSpec.Step::id).containsExactly("stream");
    assertThat(streaming.get(0).command()).containsExactly("stream", "job");
    assertThat(spec.plan("stack")).extracting(PipelineSpec.Step::id).contains("stream");
    assertThat(spec.plan("embedded")).noneMatch(PipelineSpec.Step::isStreaming);
  }

  @Test
  void aStepNeedsAKnownEngineAndAFlinkStepIsAStackOnlyStreamingCommand() throws Exception {
    assertThatThrownBy(() -> parse("""
        pipeline: p
        steps:
          - {id: a, command: [a], engine: gpu}
        """)).rootCause().hasMessageContaining("step 'a': engine must be one of [light, spark, flink, python], got gpu");
    assertThatThrownBy(() -> parse("""
        pipeline: p
        steps:
          - {id: a, command: [a]}
        """)).rootCause().hasMessageContaining("engine must be one of");
    assertThatThrownBy(() -> parse("""
        pipeline: p
        steps:
          - {id: s, command: [silver], engine: flink, runtimes: [stack]}
        """)).rootCause().hasMessageContaining("step 's': a flink step's command is a streaming command, [stream, <command>]");
    assertThatThrownBy(() -> parse("""
        pipeline: p
        steps:
          - {id: s, command: [stream, job], engine: flink}
        """)).rootCause().hasMessageContaining("a flink step runs only in the stack (runtimes: [stack])")
        .hasMessageContaining("onering stream demo");
    assertThat(parse("""
        pipeline: p
        steps:
          - {id: s, command: [stream, job], engine: flink, runtimes: [stack]}
        """).plan("embedded")).isEmpty();
  }
}
