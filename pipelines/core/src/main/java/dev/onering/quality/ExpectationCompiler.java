package dev.onering.quality;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns an expectation into SQL that the store runs, so the check happens where the data is and
 * no rows travel to the JVM. Two shapes:
 *
 * <ul>
 *   <li>row expectations (a condition every row must meet) count the rows that break it, over the
 *       rows where it applies, and fetch a few of them as a sample;
 *   <li>aggregate expectations (row count, max, mean) compute the figure and compare it with its
 *       bounds in the same query, so both engines decide with their own types (a timestamp
 *       compared with a timestamp, not with a Java string).
 * </ul>
 *
 * Semantics follow GX Core 1.x: nulls are left to the not-null expectation (a null neither passes
 * nor fails a range or a set), {@code mostly} is the share of applicable rows that must pass, a
 * pair of columns is skipped when either value is missing, and uniqueness flags every row whose
 * value occurs more than once.
 */
public final class ExpectationCompiler {
  private ExpectationCompiler() {}

  /**
   * The types the gate evaluates: the one list the suites are checked against (ops/tests reads it
   * from this file, so keep one type per quoted string).
   */
  public static final List<String> SUPPORTED = List.of(
      "expect_column_values_to_not_be_null",
      "expect_column_values_to_be_between",
      "expect_column_values_to_be_in_set",
      "expect_column_values_to_match_regex",
      "expect_column_values_to_be_unique",
      "expect_compound_columns_to_be_unique",
      "expect_column_pair_values_a_to_be_greater_than_b",
      "expect_table_row_count_to_be_between",
      "expect_column_max_to_be_between",
      "expect_column_min_to_be_between",
      "expect_column_mean_to_be_between");

  /** Kwargs that change what an expectation means; one the gate does not implement is refused, not ignored. */
  private static final Set<String> UNIMPLEMENTED_KWARGS = Set.of("row_condition", "condition_parser", "parse_strings_as_datetimes",
      "ignore_row_if");

  public enum Kind { ROWS, AGGREGATE }

  /**
   * @param summarySql one row: for ROWS {@code element_count, applicable, unexpected_count}; for
   *     AGGREGATE {@code observed, ok}
   * @param sampleSql a few unexpected rows (ROWS only), else null
   */
  public record Compiled(Kind kind, String summarySql, String sampleSql) {}

  /**
   * @param table a table name or a parenthesised subquery the expectation reads
   * @param params values for {@code {"$PARAMETER": name}} kwargs (GX suite parameters)
   */
  public static Compiled compile(String suite, Expectation e, String table, Dialect d, Map<String, Object> params,
      int sampleSize) {
    if (!SUPPORTED.contains(e.type())) {
      throw new UnsupportedExpectationException(suite, e.type());
    }
    for (String k : e.kwargs().keySet()) {
      if (UNIMPLEMENTED_KWARGS.contains(k)) {
        throw new IllegalArgumentException("suite " + suite + ", " + e.id() + ": the Java gate does not implement the '"
            + k + "' kwarg; drop it or split the suite so the check means the same in GX and here");
      }
    }
    Kw kw = new Kw(suite, e, d, params);
    String from = " FROM " + table + " t";
    return switch (e.type()) {
      case "expect_table_row_count_to_be_between" -> aggregate("count(*)", kw, from);
      case "expect_column_max_to_be_between" -> aggregate(d.aggregate("max", kw.column("column")), kw, from);
      case "expect_column_min_to_be_between" -> aggregate(d.aggregate("min", kw.column("column")), kw, from);
      case "expect_column_mean_to_be_between" -> aggregate(d.aggregate("avg", kw.column("column")), kw, from);
      default -> rows(e.type(), kw, table, from, sampleSize);
    };
  }

  private static Compiled aggregate(String expr, Kw kw, String from) {
    String bounds = kw.bounds("o");
    return new Compiled(Kind.AGGREGATE,
        "SELECT o AS observed, CASE WHEN o IS NOT NULL AND " + bounds + " THEN 1 ELSE 0 END AS ok FROM (SELECT "
            + expr + " AS o" + from + ") s",
        null);
  }

  private static Compiled rows(String type, Kw kw, String table, String from, int sampleSize) {
    String applicable;
    String unexpected;
    switch (type) {
      case "expect_column_values_to_not_be_null" -> {
        String c = kw.column("column");
        applicable = "1 = 1";
        unexpected = c + " IS NULL";
      }
      case "expect_column_values_to_be_between" -> {
        String c = kw.column("column");
        applicable = c + " IS NOT NULL";
        unexpected = "NOT (" + kw.bounds(c) + ")";
      }
      case "expect_column_values_to_be_in_set" -> {
        String c = kw.column("column");
        applicable = c + " IS NOT NULL";
        List<?> set = kw.list("value_set");
        unexpected = set.isEmpty() ? "1 = 1"
            : c + " NOT IN (" + set.stream().map(kw::literal).collect(Collectors.joining(", ")) + ")";
      }
      case "expect_column_values_to_match_regex" -> {
        String c = kw.column("column");
        applicable = c + " IS NOT NULL";
        unexpected = "NOT " + kw.d.matches(c, kw.d.string(kw.string("regex")));
      }
      case "expect_column_values_to_be_unique" -> {
        String c = kw.column("column");
        applicable = c + " IS NOT NULL";
        unexpected = c + " IN (SELECT " + c + " FROM " + table + " u GROUP BY " + c + " HAVING count(*) > 1)";
      }
      case "expect_compound_columns_to_be_unique" -> {
        List<String> cols = kw.list("column_list").stream().map(o -> Dialect.identifier(String.valueOf(o))).toList();
        if (cols.size() < 2) {
          throw kw.bad("column_list", "needs at least two columns");
        }
        String tuple = "(" + String.join(", ", cols) + ")";
        applicable = cols.stream().map(c -> c + " IS NOT NULL").collect(Collectors.joining(" AND "));
        unexpected = tuple + " IN (SELECT " + String.join(", ", cols) + " FROM " + table + " u GROUP BY "
            + String.join(", ", cols) + " HAVING count(*) > 1)";
      }
      case "expect_column_pair_values_a_to_be_greater_than_b" -> {
        String a = kw.column("column_A");
        String b = kw.column("column_B");
        applicable = a + " IS NOT NULL AND " + b + " IS NOT NULL";
        unexpected = "NOT (" + a + (kw.bool("or_equal") ? " >= " : " > ") + b + ")";
      }
      default -> throw new UnsupportedExpectationException(kw.suite, type);
    }
    String cond = "(" + applicable + ") AND (" + unexpected + ")";
    String summary = "SELECT count(*) AS element_count,"
        + " coalesce(sum(CASE WHEN " + applicable + " THEN 1 ELSE 0 END), 0) AS applicable,"
        + " coalesce(sum(CASE WHEN " + cond + " THEN 1 ELSE 0 END), 0) AS unexpected_count" + from;
    String sample = "SELECT *" + from + " WHERE " + cond + " LIMIT " + sampleSize;
    return new Compiled(Kind.ROWS, summary, sample);
  }

  /** The kwargs of one expectation, read with errors that name the suite, the expectation and the kwarg. */
  private record Kw(String suite, Expectation e, Dialect d, Map<String, Object> params) {

    Object get(String key) {
      Object v = e.kwargs().get(key);
      if (v instanceof Map<?, ?> m && m.containsKey("$PARAMETER")) {
        String name = String.valueOf(m.get("$PARAMETER"));
        if (!params.containsKey(name)) {
          throw bad(key, "refers to the suite parameter '" + name + "', which the gate was not given; known: "
              + params.keySet());
        }
        return params.get(name);
      }
      return v;
    }

    IllegalArgumentException bad(String key, String why) {
      return new IllegalArgumentException("suite " + suite + ", " + e.id() + ": kwarg '" + key + "' " + why);
    }

    String column(String key) {
      Object v = get(key);
      if (!(v instanceof String s) || s.isBlank()) {
        throw bad(key, "must name a column");
      }
      return Dialect.identifier(s);
    }

    String string(String key) {
      Object v = get(key);
      if (!(v instanceof String s)) {
        throw bad(key, "must be a string");
      }
      return s;
    }

    List<?> list(String key) {
      Object v = get(key);
      if (!(v instanceof List<?> l)) {
        throw bad(key, "must be a list");
      }
      return l;
    }

    boolean bool(String key) {
      Object v = get(key);
      return v instanceof Boolean b ? b : v != null && Boolean.parseBoolean(String.valueOf(v));
    }

    String literal(Object v) {
      if (v instanceof Number n) {
        return n.toString();
      }
      if (v instanceof Boolean b) {
        return b ? "true" : "false";
      }
      return d.string(String.valueOf(v));
    }

    /** min_value / max_value with strict_min / strict_max; a missing bound is open, both missing is an error. */
    String bounds(String expr) {
      Object min = get("min_value");
      Object max = get("max_value");
      if (min == null && max == null) {
        throw bad("min_value", "and max_value are both missing; give at least one bound");
      }
      String lo = min == null ? "1 = 1" : expr + (bool("strict_min") ? " > " : " >= ") + literal(min);
      String hi = max == null ? "1 = 1" : expr + (bool("strict_max") ? " < " : " <= ") + literal(max);
      return "(" + lo + " AND " + hi + ")";
    }
  }
}
