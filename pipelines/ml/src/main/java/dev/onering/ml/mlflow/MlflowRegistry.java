package dev.onering.ml.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onering.ml.Metrics;
import dev.onering.ml.ModelArtifacts;
import dev.onering.ml.TrainingReport;
import dev.onering.pipeline.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;

/**
 * Logs a training run to an MLflow tracking server and registers its model.
 *
 * <p>The Java client (2.17.2, the newest on Maven Central) does the tracking calls: experiment,
 * run, params, metrics, tags, and the registry calls through its own REST transport. It cannot
 * upload artifacts without a Python MLflow on the machine, and knows no aliases, so those two go
 * over the server's REST API directly: the artifact proxy ({@code --serve-artifacts},
 * {@code /api/2.0/mlflow-artifacts/artifacts/<path>}) and {@code registered-models/alias}.
 *
 * <p>The alias {@code champion} moves to the new version only when it scores a lower log loss than
 * the current champion on the new run's holdout, which neither model trained on.
 */
public final class MlflowRegistry implements AutoCloseable {

  public static final String EXPERIMENT = "onering";
  private static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts/";
  private static final String SCHEME = "mlflow-artifacts:";

  /** How a model's log loss on the holdout is computed: the caller has the rows. */
  @FunctionalInterface
  public interface HoldoutScorer {
    double logLoss(byte[] modelJson) throws Exception;
  }

  /** What register did. {@code championBefore} is null when there was none. */
  public record Registration(String experimentId, String runId, String version, String source, double holdoutLogLoss,
      String championBefore, Double championHoldoutLogLoss, boolean promoted, String reason) {}

  private final String url;
  private final MlflowClient client;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  public MlflowRegistry(String trackingUrl) {
    this.url = trackingUrl.endsWith("/") ? trackingUrl.substring(0, trackingUrl.length() - 1) : trackingUrl;
    this.client = new MlflowClient(this.url);
  }

  /**
   * @param featureTypes each feature's features.yaml type, for the model's input signature
   */
  public Registration register(TrainingReport report, Map<String, String> featureTypes, byte[] modelJson,
      String xgboostVersion, HoldoutScorer scorer) throws Exception {
    if (!List.copyOf(featureTypes.keySet()).equals(report.features())) {
      throw new IllegalArgumentException("the model was trained on " + report.features() + " but the feature types "
          + "name " + featureTypes.keySet() + "; train again after changing features.yaml");
    }
    String experimentId = client.getExperimentByName(EXPERIMENT).map(Service.Experiment::getExperimentId)
        .orElseGet(() -> client.createExperiment(EXPERIMENT));
    Service.RunInfo run = client.createRun(Service.CreateRun.newBuilder().setExperimentId(experimentId)
        .setRunName("train-" + report.runId()).setStartTime(report.trainedAt().toEpochMilli()).build());
    String runId = run.getRunId();
    try {
      client.logBatch(runId, metrics(report), params(report), tags(report));
      String mlflowVersion = serverVersion();
      String base = artifactPath(run.getArtifactUri());
      put(base + "/model/" + MlModelFile.MODEL_DATA, modelJson);
      put(base + "/model/MLmodel", MlModelFile.yaml("model", featureTypes, xgboostVersion, mlflowVersion, runId)
          .getBytes(StandardCharsets.UTF_8));
      put(base + "/" + ModelArtifacts.TRAINING_FILE, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
      String source = run.getArtifactUri() + "/model";
      ensureRegisteredModel();
      JsonNode version = post("model-versions/create", Map.of("name", ModelArtifacts.MODEL_NAME, "source", source,
          "run_id", runId)).path("model_version");
      String v = version.path("version").asText();

      double newLoss = scorer.logLoss(modelJson);
      JsonNode champion = champion();
      String before = champion == null ? null : champion.path("version").asText();
      Double championLoss = null;
      boolean promote;
      String reason;
      if (champion == null) {
        promote = true;
        reason = "no champion yet";
      } else {
        championLoss = scorer.logLoss(get(artifactPath(champion.path("source").asText()) + "/" + MlModelFile.MODEL_DATA));
        promote = newLoss < championLoss;
        reason = String.format(java.util.Locale.ROOT, "holdout log loss %.5f against champion v%s's %.5f", newLoss,
            before, championLoss);
      }
      if (promote) {
        post("registered-models/alias", Map.of("name", ModelArtifacts.MODEL_NAME, "alias", ModelArtifacts.CHAMPION,
            "version", v));
      }
      client.logBatch(runId, List.of(metric("holdout_log_loss", newLoss, 0)), List.of(), List.of(
          tag("onering.registered_version", v), tag("onering.promoted", String.valueOf(promote)),
          tag("onering.promotion_reason", reason)));
      client.setTerminated(runId, Service.RunStatus.FINISHED);
      return new Registration(experimentId, runId, v, source, newLoss, before, championLoss, promote, reason);
    } catch (Exception | Error e) {
      try {
        client.setTerminated(runId, Service.RunStatus.FAILED);
      } catch (MlflowClientException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * The champion's model version, or null when no version has the alias: read from the registered
   * model's alias list (asking for a missing alias directly is an error MLflow spells two ways).
   */
  public JsonNode champion() throws IOException {
    JsonNode model = Json.MAPPER.readTree(client.sendGet("registered-models/get?name=" + enc(ModelArtifacts.MODEL_NAME)))
        .path("registered_model");
    for (JsonNode a : model.path("aliases")) {
      if (ModelArtifacts.CHAMPION.equals(a.path("alias").asText())) {
        return Json.MAPPER.readTree(client.sendGet("model-versions/get?name=" + enc(ModelArtifacts.MODEL_NAME)
            + "&version=" + enc(a.path("version").asText()))).path("model_version");
      }
    }
    return null;
  }

  private void ensureRegisteredModel() throws IOException {
    try {
      post("registered-models/create", Map.of("name", ModelArtifacts.MODEL_NAME));
    } catch (MlflowClientException e) {
      if (!String.valueOf(e.getMessage()).contains("RESOURCE_ALREADY_EXISTS")) {
        throw e;
      }
    }
  }

  private JsonNode post(String path, Map<String, ?> body) throws IOException {
    return Json.MAPPER.readTree(client.sendPost(path, Json.MAPPER.writeValueAsString(body)));
  }

  private String serverVersion() {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/version")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body().trim() : "unknown";
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  /** {@code mlflow-artifacts:/1/<run>/artifacts} (or with a host) to {@code 1/<run>/artifacts}. */
  static String artifactPath(String artifactUri) {
    if (!artifactUri.startsWith(SCHEME)) {
      throw new IllegalStateException("the run's artifacts are at " + artifactUri + ", not behind the server's artifact "
          + "proxy: start the MLflow server with --serve-artifacts (and no --default-artifact-root of another scheme)");
    }
    String path = URI.create(artifactUri).getPath();
    return path.startsWith("/") ? path.substring(1) : path;
  }

  private void put(String path, byte[] body) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + ARTIFACTS + path))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("uploading " + path + " to " + url + " failed: HTTP " + r.statusCode() + " " + r.body());
    }
  }

  public byte[] get(String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url + ARTIFACTS + path)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IOException("downloading " + path + " from " + url + " failed: HTTP " + r.statusCode());
    }
    return r.body();
  }

  private static List<Service.Metric> metrics(TrainingReport r) {
    List<Service.Metric> out = new ArrayList<>();
    scores(out, "overall.model", r.overall().model(), 0);
    scores(out, "overall.majority", r.overall().majority(), 0);
    scores(out, "overall.z_rule", r.overall().zRule(), 0);
    for (TrainingReport.FoldResult f : r.folds()) {
      scores(out, "fold.model", f.model(), f.fold());
      scores(out, "fold.majority", f.majority(), f.fold());
      scores(out, "fold.z_rule", f.zRule(), f.fold());
      out.add(metric("fold.test_rows", f.testRows(), f.fold()));
    }
    out.add(metric("base_rate", r.baseRate(), 0));
    out.add(metric("labelled_rows", r.labelledRows(), 0));
    return out;
  }

  private static void scores(List<Service.Metric> out, String prefix, Metrics.Scores s, long step) {
    if (!Double.isNaN(s.auc())) {
      out.add(metric(prefix + ".auc", s.auc(), step));
    }
    out.add(metric(prefix + ".log_loss", s.logLoss(), step));
    out.add(metric(prefix + ".accuracy", s.accuracy(), step));
  }

  private static Service.Metric metric(String key, double value, long step) {
    return Service.Metric.newBuilder().setKey(key).setValue(value).setStep(step)
        .setTimestamp(System.currentTimeMillis()).build();
  }

  private static List<Service.Param> params(TrainingReport r) {
    Map<String, Object> p = new LinkedHashMap<>(r.params());
    p.put("label", r.label());
    p.put("horizon_days", r.horizonDays());
    p.put("features", String.join(",", r.features()));
    p.put("train_from", r.trainFrom());
    p.put("train_to", r.trainTo());
    p.put("holdout_from", r.holdout().testFrom());
    p.put("holdout_to", r.holdout().testTo());
    List<Service.Param> out = new ArrayList<>();
    p.forEach((k, v) -> out.add(Service.Param.newBuilder().setKey(k).setValue(String.valueOf(v)).build()));
    return out;
  }

  private static List<Service.RunTag> tags(TrainingReport r) {
    return List.of(tag("onering.run_id", r.runId()), tag("onering.label_definition", r.labelDefinition()),
        tag("onering.beats_baselines", String.valueOf(r.beatsBaselines())), tag("onering.verdict", r.verdict()),
        tag("mlflow.source.name", "onering train"));
  }

  private static Service.RunTag tag(String k, String v) {
    return Service.RunTag.newBuilder().setKey(k).setValue(v == null ? "" : v).build();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    client.close();
  }
}
