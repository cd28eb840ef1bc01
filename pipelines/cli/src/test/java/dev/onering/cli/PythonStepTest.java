package dev.onering.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.cli.steps.PipelineStep;
import dev.onering.cli.steps.PythonStep;
import dev.onering.cli.steps.StepRequest;
import dev.onering.pipeline.PipelineSpec;
import dev.onering.pipeline.StepResult;
import dev.onering.simulator.SimulationConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A python step runs its program from the service venv's bin/, with the run date filled in, as the spec header says. */
class PythonStepTest {

  private static StepResult run(Path dir, List<String> command, String venv) throws Exception {
    Properties p = new Properties();
    p.setProperty(Settings.VENVS, dir.resolve("venvs").toString());
    p.setProperty(Settings.HOME, dir.toString());
    PipelineSpec.Step step = new PipelineSpec.Step("materialize", command, "python", List.of("stack"), List.of(), "",
        "ml", venv);
    try (StepContext ctx = new StepContext(Settings.of(Map.of(Settings.LAKE, dir.resolve("lake").toString(), Settings.DATA_DIR, dir.toString()), p, Map.of()))) {
      return PipelineStep.run(new PythonStep(step), ctx, new StepRequest(List.of(LocalDate.of(2026, 9, 1)), "py",
          SimulationConfig.defaults(), null, null));
    }
  }

  private static void program(Path dir, String name, String body) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("venvs/feast/bin"));
    Path f = bin.resolve(name);
    Files.writeString(f, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void theProgramRunsFromTheVenvWithTheRunDateAndItsJsonLineIsTheResult(@TempDir Path dir) throws Exception {
    // `prog` is found only on the venv's PATH; its working directory is the OneRing folder.
    program(dir, "prog", "echo working; echo \"{\\\"end\\\": \\\"$1\\\", \\\"cwd\\\": \\\"$(pwd)\\\", \\\"venv\\\": \\\"$VIRTUAL_ENV\\\"}\"");
    StepResult r = run(dir, List.of("prog", "{run_date}T23:59:59"), "feast");
    assertThat(r.status()).as(String.valueOf(r.error())).isEqualTo(StepResult.Status.success);
    @SuppressWarnings("unchecked")
    Map<String, Object> result = (Map<String, Object>) r.details().get("result");
    assertThat(result).containsEntry("end", "2026-09-01T23:59:59").containsEntry("cwd", dir.toString())
        .containsEntry("venv", dir.resolve("venvs/feast").toString());
  }

  @Test
  void aNonZeroExitFailsWithTheProgramsLastLines(@TempDir Path dir) throws Exception {
    program(dir, "prog", "echo 'cannot reach Redis at localhost:6379' >&2; exit 3");
    StepResult r = run(dir, List.of("prog"), "feast");
    assertThat(r.status()).isEqualTo(StepResult.Status.failed);
    assertThat(r.error()).contains("exited 3").contains("cannot reach Redis");
  }

  @Test
  void aMissingVenvSaysToRunPySetup(@TempDir Path dir) throws Exception {
    StepResult r = run(dir, List.of("feast", "apply"), "nope");
    assertThat(r.status()).isEqualTo(StepResult.Status.failed);
    assertThat(r.error()).contains("nope virtualenv, which is missing").contains("make py-setup");
  }
}
