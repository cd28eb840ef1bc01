package dev.onering.quality;

import dev.onering.pipeline.Redaction;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Validates a suite against a store: compiles each expectation to SQL, runs it, and decides. The
 * store is anything that runs a query and returns rows, so the same gate serves the ClickHouse
 * engine and Postgres, and tests can hand it either.
 *
 * <p>An expectation type the gate does not know fails the whole validation before any query runs:
 * a suite that cannot be fully checked must not look as if it passed. A query that fails is
 * recorded as a failed expectation with its error, the way GX reports {@code exception_info}.
 */
public final class QualityGate {

  /** Rows of unexpected values kept per expectation, like GX's partial_unexpected_list. */
  public static final int SAMPLE_SIZE = 5;

  @FunctionalInterface
  public interface Sql {
    List<Map<String, Object>> rows(String sql) throws Exception;
  }

  private QualityGate() {}

  /**
   * @param table the table or subquery the suite's asset resolves to (see {@link #batchTable})
   * @param params suite parameters for {@code $PARAMETER} kwargs
   */
  public static SuiteResult validate(ExpectationSuite suite, String table, Dialect dialect, Sql sql,
      Map<String, Object> params, Map<String, Object> meta) {
    for (Expectation e : suite.expectations()) {
      if (!ExpectationCompiler.SUPPORTED.contains(e.type())) {
        throw new UnsupportedExpectationException(suite.name(), e.type());
      }
    }
    List<ExpectationResult> results = new ArrayList<>();
    for (Expectation e : suite.expectations()) {
      results.add(evaluate(suite.name(), e, table, dialect, sql, params));
    }
    return SuiteResult.of(suite.name(), results, meta);
  }

  /** The suite's asset limited to the given dates on its batch column, as a subquery; the asset itself without one. */
  public static String batchTable(String asset, String batchColumn, Set<LocalDate> dates, Dialect d) {
    if (batchColumn == null || dates.isEmpty()) {
      return asset;
    }
    String in = dates.stream().sorted().map(x -> d.string(x.toString())).collect(Collectors.joining(", "));
    return "(SELECT * FROM " + asset + " WHERE " + Dialect.identifier(batchColumn) + " IN (" + in + "))";
  }

  static ExpectationResult evaluate(String suite, Expectation e, String table, Dialect dialect, Sql sql,
      Map<String, Object> params) {
    Map<String, Object> result = new LinkedHashMap<>();
    try {
      ExpectationCompiler.Compiled c = ExpectationCompiler.compile(suite, e, table, dialect, params, SAMPLE_SIZE);
      Map<String, Object> row = single(sql.rows(c.summarySql()), c.summarySql());
      if (c.kind() == ExpectationCompiler.Kind.AGGREGATE) {
        result.put("observed_value", plain(row.get("observed")));
        return new ExpectationResult(truthy(row.get("ok")), e, result, null);
      }
      long elements = number(row.get("element_count"));
      long applicable = number(row.get("applicable"));
      long unexpected = number(row.get("unexpected_count"));
      double percent = applicable == 0 ? 0.0 : 100.0 * unexpected / applicable;
      result.put("element_count", elements);
      result.put("applicable_count", applicable);
      result.put("missing_count", elements - applicable);
      result.put("unexpected_count", unexpected);
      result.put("unexpected_percent", percent);
      List<Map<String, Object>> sample = new ArrayList<>();
      if (unexpected > 0) {
        for (Map<String, Object> r : sql.rows(c.sampleSql())) {
          Map<String, Object> s = new LinkedHashMap<>();
          r.forEach((k, v) -> s.put(k, plain(v)));
          sample.add(s);
        }
      }
      result.put("partial_unexpected_list", sample);
      double mostly = e.kwargs().get("mostly") instanceof Number m ? m.doubleValue() : 1.0;
      boolean success = applicable == 0 || (applicable - unexpected) >= mostly * applicable - 1e-9;
      return new ExpectationResult(success, e, result, null);
    } catch (UnsupportedExpectationException u) {
      throw u;
    } catch (Exception ex) {
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("raised_exception", true);
      // Stores redact their own messages; this catches a driver's message that names a credential.
      info.put("exception_message", Redaction.credentials(ex.getMessage() == null ? ex.toString() : ex.getMessage()));
      return new ExpectationResult(false, e, result, info);
    }
  }

  private static Map<String, Object> single(List<Map<String, Object>> rows, String sql) {
    if (rows.size() != 1) {
      throw new IllegalStateException("expected one row from the check query, got " + rows.size() + ": "
          + Redaction.sqlLiterals(sql));
    }
    return rows.get(0);
  }

  private static long number(Object o) {
    return o instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(o));
  }

  private static boolean truthy(Object o) {
    if (o instanceof Boolean b) {
      return b;
    }
    if (o instanceof Number n) {
      return n.intValue() != 0;
    }
    return o != null && (o.toString().equals("1") || o.toString().equalsIgnoreCase("true"));
  }

  /** JSON-friendly values: numbers and booleans as they are, everything else (timestamps, dates) as text. */
  private static Object plain(Object o) {
    if (o == null || o instanceof Number || o instanceof Boolean || o instanceof String) {
      return o;
    }
    return o.toString();
  }
}
