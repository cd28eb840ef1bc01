package dev.onering.serving.quality;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs platform/quality/runner.py, Great Expectations Core from the quality virtualenv that
 * {@code make py-setup} makes from platform/quality/requirements.lock, as a child process.
 */
final class GxRunner {

  /** What one run left: its exit code, what it printed, and the results file (empty when it wrote none). */
  record Run(int exitCode, String stdout, String stderr, List<Map<String, Object>> suites, String resultsText) {}

  private final Path root;
  private final Path python;

  private GxRunner(Path root, Path python) {
    this.root = root;
    this.python = python;
  }

  /**
   * The runner of this checkout and the quality venv's Python ({@code ONERING_VENVS} or
   * {@code .cache/venvs}). Without the venv the test is skipped on a developer's machine and fails
   * in CI, where {@code make test} makes it first: the agreement test must not skip there.
   */
  static GxRunner locate() {
    Path root = Path.of("").toAbsolutePath();
    while (root != null && !Files.isRegularFile(root.resolve("platform/quality/runner.py"))) {
      root = root.getParent();
    }
    if (root == null) {
      throw new IllegalStateException("platform/quality/runner.py not found above " + Path.of("").toAbsolutePath());
    }
    String venvs = System.getenv("ONERING_VENVS");
    Path python = (venvs == null || venvs.isBlank() ? root.resolve(".cache/venvs") : Path.of(venvs))
        .resolve("quality/bin/python");
    if (!Files.isExecutable(python)) {
      String why = "no Great Expectations venv at " + python + "; make it with: make py-setup PY_SERVICES=quality";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError("CI=true and " + why);
      }
      Assumptions.abort(why);
    }
    return new GxRunner(root, python);
  }

  Path root() {
    return root;
  }

  /**
   * Runs the runner with exactly these ONERING_* settings (none inherited from the caller's
   * environment) and these arguments, writing its results to {@code output}.
   */
  Run run(Map<String, String> settings, Path output, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(python.toString(), root.resolve("platform/quality/runner.py").toString(),
        "--output", output.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("ONERING_"));
    pb.environment().putAll(settings);
    Path out = Files.createTempFile(output.getParent(), "gx-stdout", ".txt");
    Path err = Files.createTempFile(output.getParent(), "gx-stderr", ".txt");
    Files.deleteIfExists(output);
    long t0 = System.nanoTime();
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("the GX runner did not finish within 10 minutes: " + cmd);
    }
    System.out.printf("GX runner %s: exit %d in %.1f s%n", String.join(" ", args), p.exitValue(),
        (System.nanoTime() - t0) / 1e9);
    String results = Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
    List<Map<String, Object>> suites = results.isEmpty() ? List.of()
        : new ObjectMapper().readValue(results, new TypeReference<List<Map<String, Object>>>() {});
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err), suites, results);
  }
}
