package dev.onering.quality;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One expectation of a suite, as Great Expectations Core 1.x writes it:
 * {@code {"type": ..., "kwargs": {...}, "meta": {"severity": ...}}}.
 */
public record Expectation(String type, Map<String, Object> kwargs, Map<String, Object> meta) {

  public Expectation {
    kwargs = kwargs == null ? Map.of() : new LinkedHashMap<>(kwargs);
    meta = meta == null ? Map.of() : new LinkedHashMap<>(meta);
  }

  public Severity severity() {
    return Severity.parse(meta.get("severity"), "expectation " + type);
  }

  /** The column (or columns) checked, for result tables; null for table-level expectations. */
  public String column() {
    if (kwargs.get("column") != null) {
      return String.valueOf(kwargs.get("column"));
    }
    if (kwargs.get("column_A") != null) {
      return kwargs.get("column_A") + "," + kwargs.get("column_B");
    }
    if (kwargs.get("column_list") instanceof List<?> l) {
      return String.join(",", l.stream().map(String::valueOf).toList());
    }
    return null;
  }

  /**
   * A readable id: {@code meta.id} when the suite gives one, else the type and its column, so the
   * same check keeps the same name from run to run in the results table.
   */
  public String id() {
    if (meta.get("id") != null) {
      return String.valueOf(meta.get("id"));
    }
    String c = column();
    return c == null ? type : type + "(" + c + ")";
  }
}
