package dev.onering.ml;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.LocalDate;
import java.util.List;

/**
 * Evidently's per-feature drift between the training window (reference) and the latest days
 * (current), as the drift step read it from {@code drift_table.json}.
 *
 * @param html the Evidently report kept with the run
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DriftReport(LocalDate referenceFrom, LocalDate referenceTo, LocalDate currentFrom, LocalDate currentTo,
    int referenceRows, int currentRows, List<Feature> features, String html) {

  /** One feature: the test Evidently chose, its score (a p-value or a distance) and whether it drifted. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Feature(String name, Double driftScore, String stattest, boolean drifted) {}

  @com.fasterxml.jackson.annotation.JsonIgnore
  public long drifted() {
    return features.stream().filter(Feature::drifted).count();
  }
}
