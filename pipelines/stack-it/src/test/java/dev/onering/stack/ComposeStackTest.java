package dev.onering.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The Docker stack for real, on a machine with Docker: compose.yaml's core profile built and
 * started by Testcontainers (the local `docker compose`) with a .env that `make init` generates,
 * then `ops/scripts/stack.py smoke`, the logic of `make smoke`: seed Bronze, trigger the daily DAG
 * through Airflow's REST API, wait, check every task's result and the rows in ClickHouse and
 * Postgres. Skipped where there is no Docker engine (as on the project's CI machines), where the
 * native stack's smoke runs the same logic against the same DAGs without containers.
 *
 * <p>It uses the default ports of .env.example (Airflow 8080, ClickHouse 8123, ...): stop a stack
 * of your own first. The containers and volumes are removed afterwards; the images are kept.
 */
@Testcontainers(disabledWithoutDocker = true)
class ComposeStackTest {

  /** Building the images and the first start of every service, on a laptop with a cold cache. */
  static final Duration UP = Duration.ofMinutes(30);
  /** The long-running services of the core profile, each healthy by its own healthcheck. */
  static final List<String> CORE = List.of("minio", "postgres", "clickhouse", "spark-master", "spark-worker",
      "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor");

  @Test
  void theCoreProfileComesUpHealthyAndPassesTheSmoke(@TempDir Path tmp) throws Exception {
    Path root = projectRoot();
    String project = "onering-it-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    Map<String, String> env = generatedEnv(root, tmp);
    env.put("COMPOSE_PROJECT_NAME", project);
    env.put("COMPOSE_PROFILES", "core");

    ComposeContainer stack = new ComposeContainer(project, root.resolve("compose.yaml").toFile())
        .withEnv(env)
        .withBuild(true)
        .withRemoveVolumes(true);
    for (String service : CORE) {
      stack.waitingFor(service + "-1", Wait.forHealthcheck().withStartupTimeout(UP));
    }
    try (stack) {
      stack.start();
      Path log = tmp.resolve("smoke.log");
      ProcessBuilder smoke = new ProcessBuilder("python3", "ops/scripts/stack.py", "smoke")
          .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
      smoke.environment().putAll(env);
      Process p = smoke.start();
      assertThat(p.waitFor(45, TimeUnit.MINUTES)).as("the smoke finished").isTrue();
      String out = Files.readString(log, StandardCharsets.UTF_8);
      System.out.println(out);
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out).contains("SMOKE PASSED");
    }
  }

  /** A .env as `make init` writes it (fresh secrets), in a temporary file, never the checkout's .env. */
  private static Map<String, String> generatedEnv(Path root, Path tmp) throws IOException, InterruptedException {
    Path file = tmp.resolve(".env");
    Process p = new ProcessBuilder("bash", root.resolve("ops/scripts/init-env.sh").toString(), "--output",
        file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (!line.startsWith("#") && eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    assertThat(env).containsKeys("POSTGRES_PASSWORD", "AIRFLOW_ADMIN_PASSWORD");
    return env;
  }

  private static Path projectRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("compose.yaml")) && Files.isDirectory(dir.resolve("ops/scripts"))) {
        return dir;
      }
    }
    throw new IllegalStateException("compose.yaml not found above " + Path.of("").toAbsolutePath());
  }
}
