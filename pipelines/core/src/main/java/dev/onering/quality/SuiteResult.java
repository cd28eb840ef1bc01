package dev.onering.quality;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * A suite's validation in the shape of a GX {@code ExpectationSuiteValidationResult}. GX's own
 * success means "every expectation held"; {@code success} here means "no critical expectation
 * failed", the promotion rule, and {@code statistics} still counts every failure.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SuiteResult(
    String suiteName, boolean success, Map<String, Object> statistics, List<ExpectationResult> results,
    Map<String, Object> meta) {

  public static SuiteResult of(String suite, List<ExpectationResult> results, Map<String, Object> meta) {
    long ok = results.stream().filter(ExpectationResult::success).count();
    boolean success = results.stream().noneMatch(r -> !r.success() && r.severity() == Severity.critical);
    return new SuiteResult(suite, success, Map.of(
        "evaluated_expectations", results.size(),
        "successful_expectations", ok,
        "unsuccessful_expectations", results.size() - ok,
        "success_percent", results.isEmpty() ? 100.0 : 100.0 * ok / results.size()), List.copyOf(results), meta);
  }

  @JsonIgnore
  public List<ExpectationResult> failed(Severity severity) {
    return results.stream().filter(r -> !r.success() && r.severity() == severity).toList();
  }

  /** Failed expectations of a severity across suites, as people read them: {@code suite.expectation (observed X)}. */
  public static List<String> describeFailures(List<SuiteResult> suites, Severity severity) {
    List<String> out = new java.util.ArrayList<>();
    for (SuiteResult s : suites) {
      for (ExpectationResult r : s.failed(severity)) {
        out.add(s.suiteName() + "." + r.expectationConfig().id() + " (observed " + r.observedText() + ")");
      }
    }
    return out;
  }
}
