package dev.onering.ml;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * The run report's model section: what train measured, where register put it (null without
 * MLflow, as in {@code make demo}), and what drift found (null when it did not run).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ModelSection(TrainingReport training, Map<String, Object> registration, DriftReport drift) {}
