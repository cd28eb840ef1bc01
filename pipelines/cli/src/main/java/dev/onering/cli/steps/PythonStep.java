package dev.onering.cli.steps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onering.cli.Progress;
import dev.onering.cli.Settings;
import dev.onering.cli.StepContext;
import dev.onering.pipeline.Json;
import dev.onering.pipeline.PipelineSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A spec step of engine {@code python}: its command run from the OneRing folder with the service
 * virtualenv's bin/ first on PATH (the medallion.yaml header states the contract). Its output
 * streams to the progress line; a JSON object on its last line of standard output is taken as its
 * result's details.
 */
public final class PythonStep implements PipelineStep {

  static final long TIMEOUT_MINUTES = 60;
  private final PipelineSpec.Step step;

  public PythonStep(PipelineSpec.Step step) {
    if (!step.isPython()) {
      throw new IllegalArgumentException("step '" + step.id() + "' is a " + step.engine() + " step, not a python one");
    }
    this.step = step;
  }

  @Override
  public String id() {
    return step.id();
  }

  @Override
  public Outcome execute(StepContext ctx, StepRequest request) throws Exception {
    Settings settings = ctx.settings();
    Path bin = settings.pathUnderHome(Settings.VENVS, Settings.VENVS_DEFAULT).resolve(step.venv()).resolve("bin");
    if (!Files.isDirectory(bin)) {
      return Outcome.failed("step '" + step.id() + "' runs in the " + step.venv() + " virtualenv, which is missing ("
          + bin.getParent() + "): run `make py-setup` (or ops/scripts/py-setup.sh " + step.venv() + ")", Map.of());
    }
    List<String> command = new ArrayList<>(step.commandFor(request.runDate()));
    Path program = bin.resolve(command.get(0));
    if (Files.isExecutable(program)) {
      command.set(0, program.toString());
    }
    ProcessBuilder pb = new ProcessBuilder(command).directory(settings.home().toFile()).redirectErrorStream(true);
    pb.environment().put("PATH", bin + java.io.File.pathSeparator + pb.environment().getOrDefault("PATH", ""));
    pb.environment().put("VIRTUAL_ENV", bin.getParent().toString());
    Process p = pb.start();
    List<String> tail = new ArrayList<>();
    String lastLine = null;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        Progress.update(step.id() + ": " + line);
        if (!line.isBlank()) {
          lastLine = line;
          tail.add(line);
          if (tail.size() > 20) {
            tail.remove(0);
          }
        }
      }
    }
    if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      return Outcome.failed(String.join(" ", command) + " ran longer than " + TIMEOUT_MINUTES + " minutes", Map.of());
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("command", command);
    details.put("exit_code", p.exitValue());
    JsonNode result = json(lastLine);
    if (result != null) {
      details.put("result", Json.MAPPER.convertValue(result, Map.class));
    } else {
      details.put("output_tail", tail);
    }
    if (p.exitValue() != 0) {
      return Outcome.failed(String.join(" ", command) + " exited " + p.exitValue() + ": " + String.join("\n", tail), details);
    }
    return Outcome.success(0, 0, 0, details);
  }

  private static JsonNode json(String line) {
    if (line == null || !line.trim().startsWith("{")) {
      return null;
    }
    try {
      JsonNode n = Json.MAPPER.readTree(line);
      return n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }
}
