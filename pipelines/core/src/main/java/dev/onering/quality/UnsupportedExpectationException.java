package dev.onering.quality;

/** An expectation type the Java gate cannot evaluate: it must fail the gate, never pass silently. */
public final class UnsupportedExpectationException extends IllegalArgumentException {
  public UnsupportedExpectationException(String suite, String type) {
    super("suite " + suite + " uses the expectation type '" + type + "', which the Java quality gate does not "
        + "support, so it cannot be checked; supported: " + String.join(", ", ExpectationCompiler.SUPPORTED)
        + ". Remove it from the suite or add it to dev.onering.quality.ExpectationCompiler");
  }
}
