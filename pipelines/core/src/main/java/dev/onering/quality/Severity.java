package dev.onering.quality;

import java.util.Locale;

/** What a failed expectation does: a critical one stops promotion, a warning is recorded and shown. */
public enum Severity {
  critical, warning;

  static Severity parse(Object value, String where) {
    if (value == null) {
      throw new IllegalArgumentException(where + " has no meta.severity; mark it \"critical\" or \"warning\" so a "
          + "failure has a defined effect");
    }
    try {
      return valueOf(String.valueOf(value).toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + " has meta.severity '" + value + "'; use \"critical\" or \"warning\"");
    }
  }
}
