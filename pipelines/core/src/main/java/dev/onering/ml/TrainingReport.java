package dev.onering.ml;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * What the train step measured, written beside the model as {@code training.json}: the register
 * step logs it to MLflow, the drift step takes its training window as the reference, and the run
 * report draws the model section from it.
 *
 * @param labelledRows rows with a label (the last horizon days of each symbol have none)
 * @param overall out-of-fold predictions of every fold pooled, for the model and both baselines
 * @param holdout the last fold: the registered model is that fold's, and a new version replaces the
 *     champion only when it scores better on it
 * @param trainFrom the first day of the registered model's training rows (the drift reference starts here)
 * @param trainTo the last day of the registered model's training rows
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TrainingReport(
    String model,
    Instant trainedAt,
    String runId,
    String label,
    String labelDefinition,
    int horizonDays,
    List<String> features,
    Map<String, Object> params,
    int rows,
    int labelledRows,
    double baseRate,
    LocalDate firstDate,
    LocalDate lastDate,
    List<FoldResult> folds,
    Comparison overall,
    FoldResult holdout,
    LocalDate trainFrom,
    LocalDate trainTo,
    List<Importance> importance,
    List<Calibration.Bin> calibration,
    boolean beatsBaselines,
    String verdict) {

  /** One fold: the model's scores on its test block against the two baselines'. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record FoldResult(int fold, LocalDate trainFrom, LocalDate trainTo, LocalDate testFrom, LocalDate testTo,
      int trainRows, int testRows, int purged, double testBaseRate, Metrics.Scores model, Metrics.Scores majority,
      Metrics.Scores zRule) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Comparison(int rows, double baseRate, Metrics.Scores model, Metrics.Scores majority,
      Metrics.Scores zRule) {}

  /** XGBoost's importance: total gain of the splits on the feature, and how many splits use it. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Importance(String feature, double totalGain, double gainShare, int splits) {}
}
