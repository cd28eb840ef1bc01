package dev.onering.quality;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * One expectation's outcome in the shape of a GX {@code ExpectationValidationResult}:
 * {@code success}, {@code expectation_config} and {@code result} (observed_value for aggregates;
 * element_count, unexpected_count, unexpected_percent and partial_unexpected_list for row checks),
 * plus {@code exception_info} when it could not be evaluated.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ExpectationResult(
    boolean success, Expectation expectationConfig, Map<String, Object> result, Map<String, Object> exceptionInfo) {

  @JsonIgnore
  public Severity severity() {
    return expectationConfig.severity();
  }

  @JsonIgnore
  public Object observedValue() {
    return result.get("observed_value");
  }

  @JsonIgnore
  public Long unexpectedCount() {
    return result.get("unexpected_count") instanceof Number n ? n.longValue() : null;
  }

  /** What a person reads in a table: the figure for aggregates, "n of m rows" for row checks, or the error. */
  @JsonIgnore
  public String observedText() {
    if (exceptionInfo != null) {
      return "error: " + exceptionInfo.get("exception_message");
    }
    if (result.containsKey("observed_value")) {
      return String.valueOf(result.get("observed_value"));
    }
    if (result.containsKey("unexpected_count")) {
      return result.get("unexpected_count") + " of " + result.get("applicable_count") + " rows unexpected";
    }
    return null;
  }
}
