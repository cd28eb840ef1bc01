package dev.onering.pipeline;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

/** What a step reports when it ends: the contract in docs/step-contract.md. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StepResult(
    String step,
    LocalDate runDate,
    Status status,
    Instant startedAt,
    long durationMs,
    long rowsIn,
    long rowsOut,
    long rowsRejected,
    Map<String, Object> details,
    Object quality,
    String error) {

  public enum Status {
    success, failed, skipped
  }

  public boolean succeeded() {
    return status == Status.success;
  }
}
