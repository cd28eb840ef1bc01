package dev.onering.quality;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An expectation suite in Great Expectations Core 1.x JSON. GX ignores the keys it does not know
 * in {@code meta}; OneRing keeps there where the data asset lives ({@code meta.onering}):
 *
 * <pre>
 * "meta": {"onering": {"store": "clickhouse", "asset": "silver.trades", "batch_column": "trade_date"}}
 * </pre>
 *
 * store is clickhouse (Silver), postgres (Gold) or lake (Bronze files, read by the ClickHouse
 * engine); batch_column, when set, limits a validation to the run's dates, as a GX batch would.
 */
public record ExpectationSuite(String name, List<Expectation> expectations, Map<String, Object> meta) {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  public ExpectationSuite {
    expectations = List.copyOf(expectations);
    meta = meta == null ? Map.of() : Map.copyOf(meta);
  }

  public static ExpectationSuite read(Path file) {
    try {
      return parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the expectation suite " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses and checks a suite: a name, at least one expectation, each with a type and a severity. */
  public static ExpectationSuite parse(String json, String source) {
    Map<String, Object> root;
    try {
      root = MAPPER.readValue(json, new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new IllegalArgumentException(source + " is not a JSON expectation suite: " + e.getMessage(), e);
    }
    Object name = root.get("name");
    if (!(name instanceof String n) || n.isBlank()) {
      throw new IllegalArgumentException(source + " has no \"name\" (GX 1.x suites are named by \"name\", not "
          + "\"expectation_suite_name\")");
    }
    if (!(root.get("expectations") instanceof List<?> list) || list.isEmpty()) {
      throw new IllegalArgumentException(source + ": suite " + n + " has no \"expectations\" list");
    }
    List<Expectation> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String where = source + ": suite " + n + ", expectation #" + (i + 1);
      if (!(list.get(i) instanceof Map<?, ?> e) || !(e.get("type") instanceof String type)) {
        throw new IllegalArgumentException(where + " has no \"type\"");
      }
      Expectation x = new Expectation(type, cast(e.get("kwargs")), cast(e.get("meta")));
      Severity.parse(x.meta().get("severity"), where + " (" + type + ")");
      out.add(x);
    }
    return new ExpectationSuite(n, out, cast(root.get("meta")));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private Map<String, Object> onering() {
    return cast(meta.get("onering"));
  }

  /** clickhouse, postgres or lake. */
  public String store() {
    Object s = onering().get("store");
    if (s == null) {
      throw new IllegalArgumentException("suite " + name + " has no meta.onering.store (clickhouse, postgres or lake)");
    }
    return String.valueOf(s);
  }

  /** The table (or lake folder) the suite validates. */
  public String asset() {
    Object a = onering().get("asset");
    if (a == null) {
      throw new IllegalArgumentException("suite " + name + " has no meta.onering.asset (the table it validates)");
    }
    return String.valueOf(a);
  }

  /** The column that limits a validation to the run's dates, or null to validate the whole table. */
  public String batchColumn() {
    Object b = onering().get("batch_column");
    return b == null ? null : String.valueOf(b);
  }
}
