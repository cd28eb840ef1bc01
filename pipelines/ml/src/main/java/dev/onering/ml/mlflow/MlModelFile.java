package dev.onering.ml.mlflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The MLmodel file that makes the Java-trained XGBoost JSON an MLflow model: the {@code xgboost}
 * flavor (model_format json) and {@code python_function} through {@code mlflow.xgboost}, so
 * {@code mlflow.pyfunc.load_model("models:/onering@champion")} loads it in Python and BentoML
 * imports it. The input signature is the feature columns of features.yaml, in order, with their
 * types there: {@code double}, and {@code long} for an {@code int} feature (MLflow refuses to
 * convert int64 to double, so a double signature would reject an integer column).
 */
public final class MlModelFile {
  private MlModelFile() {}

  public static final String MODEL_DATA = "model.json";
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param xgboostVersion the xgboost4j version that wrote the model, as MLflow records it
   * @param mlflowVersion the server's MLflow, for the file's own record
   */
  /**
   * @param features feature name to its features.yaml type ({@code double} or {@code int}), in model order
   */
  public static String yaml(String artifactPath, Map<String, String> features, String xgboostVersion,
      String mlflowVersion, String runId) {
    Map<String, Object> xgb = new LinkedHashMap<>();
    xgb.put("code", null);
    xgb.put("data", MODEL_DATA);
    xgb.put("model_class", "xgboost.core.Booster");
    xgb.put("model_format", "json");
    xgb.put("xgb_version", xgboostVersion);
    Map<String, Object> pyfunc = new LinkedHashMap<>();
    pyfunc.put("data", MODEL_DATA);
    pyfunc.put("loader_module", "mlflow.xgboost");
    pyfunc.put("python_version", "3.11");
    Map<String, Object> flavors = new LinkedHashMap<>();
    flavors.put("python_function", pyfunc);
    flavors.put("xgboost", xgb);
    List<Map<String, Object>> inputs = new ArrayList<>();
    for (Map.Entry<String, String> f : features.entrySet()) {
      Map<String, Object> col = new LinkedHashMap<>();
      col.put("type", switch (f.getValue()) {
        case "double" -> "double";
        case "int" -> "long";
        default -> throw new IllegalArgumentException("feature " + f.getKey() + " has type " + f.getValue()
            + "; a model input is double or int");
      });
      col.put("name", f.getKey());
      col.put("required", true);
      inputs.add(col);
    }
    Map<String, Object> signature = new LinkedHashMap<>();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("artifact_path", artifactPath);
    m.put("flavors", flavors);
    m.put("mlflow_version", mlflowVersion);
    m.put("model_uuid", UUID.randomUUID().toString().replace("-", ""));
    m.put("run_id", runId);
    try {
      signature.put("inputs", JSON.writeValueAsString(inputs));
      signature.put("outputs", null);
      signature.put("params", null);
      m.put("signature", signature);
      m.put("utc_time_created", Instant.now().toString().replace('T', ' ').replace("Z", ""));
      return YAML.writeValueAsString(m);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
