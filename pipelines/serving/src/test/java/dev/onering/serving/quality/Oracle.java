package dev.onering.serving.quality;

import dev.onering.quality.Expectation;
import dev.onering.quality.ExpectationSuite;
import dev.onering.quality.Severity;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What each expectation must find in the rows the agreement test wrote, computed here in plain
 * Java over those rows: independently of the Java gate (which compiles SQL) and of GX. The
 * semantics are GX Core 1.x's, as docs/quality.md states them: a null is left to the not-null
 * check, {@code mostly} is the share of the non-null rows that must pass, uniqueness counts every
 * row whose value occurs more than once, an aggregate over no values is a failure.
 */
final class Oracle {
  private Oracle() {}

  /**
   * One expectation's expected outcome: for a row check the number of unexpected rows, for an
   * aggregate the observed value.
   */
  record Outcome(String type, String id, boolean critical, boolean success, boolean rowCheck, Long unexpected,
      Object observed) {}

  /** The suite parameters of a run of {@link GxAgreementTest#RUN}: the freshness window (docs/quality.md). */
  static Map<String, Object> params() {
    LocalDate last = Collections.max(GxAgreementTest.RUN);
    return Map.of("freshness_floor", last.minusDays(4) + " 00:00:00", "batch_end", last + " 23:59:59.999999");
  }

  static Map<String, List<Outcome>> expect(List<ExpectationSuite> suites, Data data) {
    Map<String, List<Outcome>> out = new LinkedHashMap<>();
    for (ExpectationSuite s : suites) {
      List<Map<String, Object>> rows = rows(s.name(), data);
      out.put(s.name(), s.expectations().stream().map(e -> outcome(e, rows)).toList());
    }
    return out;
  }

  /** The rows a suite validates: the run's dates of a Silver table or of the Bronze lines, a whole Gold table. */
  private static List<Map<String, Object>> rows(String suite, Data d) {
    Predicate<Map<String, Object>> inRun = r -> GxAgreementTest.RUN.contains((LocalDate) r.get("trade_date"));
    return switch (suite) {
      case "bronze_ticks" -> GxAgreementTest.RUN.stream().flatMap(day -> d.bronze().get(day).stream())
          .map(line -> Map.<String, Object>of("line", line)).toList();
      case "silver_trades" -> d.trades().stream().filter(inRun).toList();
      case "silver_bars_1m" -> d.bars().stream().filter(inRun).toList();
      case "silver_batch_stats" -> d.stats().stream().filter(inRun).toList();
      case "gold_daily_bars" -> d.dailyBars();
      case "gold_instrument_summary" -> d.summaries();
      default -> throw new IllegalArgumentException("no rows for suite " + suite);
    };
  }

  static Outcome outcome(Expectation e, List<Map<String, Object>> rows) {
    Map<String, Object> kw = e.kwargs();
    boolean critical = e.severity() == Severity.critical;
    String column = (String) kw.get("column");
    switch (e.type()) {
      case "expect_table_row_count_to_be_between" -> {
        long n = rows.size();
        return new Outcome(e.type(), e.id(), critical, within(n, kw), false, null, n);
      }
      case "expect_column_max_to_be_between", "expect_column_mean_to_be_between" -> {
        List<Object> values = rows.stream().map(r -> r.get(column)).filter(Objects::nonNull).toList();
        Object observed = values.isEmpty() ? null : e.type().contains("max")
            ? values.stream().max(Oracle::compare).orElseThrow()
            : values.stream().mapToDouble(v -> ((Number) v).doubleValue()).average().orElseThrow();
        return new Outcome(e.type(), e.id(), critical, observed != null && within(observed, kw), false, null, observed);
      }
      default -> {
        Predicate<Map<String, Object>> applies;
        Predicate<Map<String, Object>> bad;
        switch (e.type()) {
          case "expect_column_values_to_not_be_null" -> {
            applies = r -> true;
            bad = r -> r.get(column) == null;
          }
          case "expect_column_values_to_be_between" -> {
            applies = r -> r.get(column) != null;
            bad = r -> !within(r.get(column), kw);
          }
          case "expect_column_values_to_be_in_set" -> {
            applies = r -> r.get(column) != null;
            bad = r -> !((List<?>) kw.get("value_set")).contains(r.get(column));
          }
          case "expect_column_values_to_match_regex" -> {
            Pattern p = Pattern.compile((String) kw.get("regex"));
            applies = r -> r.get(column) != null;
            bad = r -> !p.matcher((String) r.get(column)).find();
          }
          case "expect_column_values_to_be_unique" -> {
            applies = r -> r.get(column) != null;
            bad = r -> rows.stream().filter(o -> Objects.equals(o.get(column), r.get(column))).count() > 1;
          }
          case "expect_compound_columns_to_be_unique" -> {
            List<?> cols = (List<?>) kw.get("column_list");
            applies = r -> cols.stream().allMatch(c -> r.get((String) c) != null);
            bad = r -> rows.stream().filter(o -> cols.stream().allMatch(c -> Objects.equals(o.get((String) c),
                r.get((String) c)))).count() > 1;
          }
          case "expect_column_pair_values_a_to_be_greater_than_b" -> {
            String a = (String) kw.get("column_A");
            String b = (String) kw.get("column_B");
            boolean orEqual = Boolean.TRUE.equals(kw.get("or_equal"));
            applies = r -> r.get(a) != null && r.get(b) != null;
            bad = r -> orEqual ? compare(r.get(a), r.get(b)) < 0 : compare(r.get(a), r.get(b)) <= 0;
          }
          default -> throw new IllegalArgumentException("the oracle does not know " + e.type());
        }
        long applicable = rows.stream().filter(applies).count();
        long unexpected = rows.stream().filter(applies).filter(bad).count();
        double mostly = kw.get("mostly") instanceof Number m ? m.doubleValue() : 1.0;
        boolean success = applicable == 0 || applicable - unexpected >= mostly * applicable - 1e-9;
        return new Outcome(e.type(), e.id(), critical, success, true, unexpected, null);
      }
    }
  }

  /** min_value / max_value with strict_min / strict_max; a {@code $PARAMETER} bound comes from {@link #params()}. */
  private static boolean within(Object value, Map<String, Object> kw) {
    Object min = bound(kw.get("min_value"));
    Object max = bound(kw.get("max_value"));
    boolean strictMin = Boolean.TRUE.equals(kw.get("strict_min"));
    boolean strictMax = Boolean.TRUE.equals(kw.get("strict_max"));
    boolean lo = min == null || (strictMin ? compare(value, min) > 0 : compare(value, min) >= 0);
    boolean hi = max == null || (strictMax ? compare(value, max) < 0 : compare(value, max) <= 0);
    return lo && hi;
  }

  private static Object bound(Object b) {
    if (b instanceof Map<?, ?> m && m.containsKey("$PARAMETER")) {
      return params().get(String.valueOf(m.get("$PARAMETER")));
    }
    return b;
  }

  private static int compare(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return Double.compare(x.doubleValue(), y.doubleValue());
    }
    return timestamp(a).compareTo(timestamp(b));
  }

  private static final DateTimeFormatter FLEXIBLE = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd[ ]['T']HH:mm:ss").optionalStart()
      .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd().toFormatter();

  /** A timestamp from a LocalDateTime or its text in any of the forms the engines print (T or space, fraction, zone). */
  static LocalDateTime timestamp(Object o) {
    if (o instanceof LocalDateTime t) {
      return t;
    }
    String s = String.valueOf(o).trim().replaceFirst("(Z|[+-]00:?00| UTC)$", "");
    return LocalDateTime.parse(s, FLEXIBLE);
  }

  /** An observed value as expected: numbers within 1e-9 (relative), timestamps to the microsecond, nulls alike. */
  static boolean same(Object expected, Object actual) {
    if (expected == null || actual == null) {
      return expected == null && actual == null;
    }
    if (expected instanceof Number e) {
      double a;
      try {
        a = actual instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(actual));
      } catch (NumberFormatException notANumber) {
        return false;
      }
      return Math.abs(a - e.doubleValue()) <= 1e-9 * Math.max(1.0, Math.abs(e.doubleValue()));
    }
    try {
      return timestamp(expected).equals(timestamp(actual));
    } catch (RuntimeException notATimestamp) {
      return String.valueOf(expected).equals(String.valueOf(actual));
    }
  }
}
