package dev.onering.ml.mlflow;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real MLflow 3 tracking server for tests, from the repository's mlflow virtualenv (made here by
 * ops/scripts/py-setup.sh if missing, as `make test` would): SQLite backend, the artifact proxy,
 * loopback on a free port, Host checks limited to that address.
 */
final class MlflowServer implements AutoCloseable {
  final Path root;
  final Path venv;
  final String url;
  private final Process process;

  private MlflowServer(Path root, Path venv, String url, Process process) {
    this.root = root;
    this.venv = venv;
    this.url = url;
    this.process = process;
  }

  static Path repoRoot() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("ops/scripts/py-setup.sh"))) {
        return d;
      }
    }
    throw new IllegalStateException("cannot find the repository root (ops/scripts/py-setup.sh) from " + Path.of("").toAbsolutePath());
  }

  /** The mlflow venv, set up from its lock if it is not there yet (idempotent, a second when it is). */
  static Path venv() throws IOException, InterruptedException {
    Path repo = repoRoot();
    Process p = new ProcessBuilder("bash", "ops/scripts/py-setup.sh", "mlflow").directory(repo.toFile())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
    if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException("ops/scripts/py-setup.sh mlflow failed; run `make py-setup PY_SERVICES=mlflow` and read its output");
    }
    String venvs = System.getenv("ONERING_VENVS");
    return (venvs == null || venvs.isBlank() ? repo.resolve(".cache/venvs") : Path.of(venvs)).resolve("mlflow");
  }

  static MlflowServer start(Path root) throws Exception {
    Path venv = venv();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String hostPort = "127.0.0.1:" + port;
    Files.createDirectories(root.resolve("artifacts"));
    Process p = new ProcessBuilder(List.of(venv.resolve("bin/mlflow").toString(), "server",
        "--backend-store-uri", "sqlite:///" + root.resolve("mlflow.db"),
        "--serve-artifacts", "--artifacts-destination", root.resolve("artifacts").toUri().toString(),
        "--host", "127.0.0.1", "--port", String.valueOf(port), "--workers", "1",
        "--allowed-hosts", hostPort + ",localhost:" + port))
        .redirectErrorStream(true).redirectOutput(root.resolve("server.log").toFile()).start();
    MlflowServer server = new MlflowServer(root, venv, "http://" + hostPort, p);
    HttpClient http = HttpClient.newHttpClient();
    // A cold start runs the SQLite migrations; on a 2-core machine shared with other builds (load 30+) it took 4 to 6 minutes; alone, seconds.
    Instant deadline = Instant.now().plusSeconds(600);
    while (true) {
      if (!p.isAlive()) {
        throw new IllegalStateException("mlflow server exited " + p.exitValue() + ": " + Files.readString(root.resolve("server.log")));
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url + "/health"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return server;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (Instant.now().isAfter(deadline)) {
        server.close();
        throw new IllegalStateException("mlflow server not healthy after 600 s: " + Files.readString(root.resolve("server.log")));
      }
      Thread.sleep(500);
    }
  }

  /** Stops the server and the workers it started. */
  @Override
  public void close() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }
}
