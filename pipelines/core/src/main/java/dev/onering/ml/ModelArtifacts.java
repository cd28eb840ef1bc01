package dev.onering.ml;

/**
 * Where the ML steps keep their files in the lake's gold zone, so train, register and drift find
 * each other's output in both runtimes (a local folder, or MinIO over s3a in the stack).
 */
public final class ModelArtifacts {
  private ModelArtifacts() {}

  /** The registered model's name in MLflow, and the folder name of its files. */
  public static final String MODEL_NAME = "onering";
  /** The alias that marks the version BentoML serves. */
  public static final String CHAMPION = "champion";
  public static final String MODELS = "gold/ml/models/" + MODEL_NAME;
  /** Names the newest training run: written last, so it only ever points at complete files. */
  public static final String LATEST = MODELS + "/latest.json";
  public static final String MODEL_FILE = "model.json";
  public static final String TRAINING_FILE = "training.json";
  public static final String DRIFT = "gold/ml/drift";

  public static String runDir(String runId) {
    return MODELS + "/" + safe(runId);
  }

  public static String driftDir(String runId) {
    return DRIFT + "/" + safe(runId);
  }

  /** A run id as a folder name: letters, digits, dot, dash and underscore only. */
  static String safe(String runId) {
    return runId.replaceAll("[^A-Za-z0-9_.-]", "_");
  }
}
