package dev.onering.quality;

/**
 * Where ClickHouse and Postgres SQL differ for the expectations the gate compiles. Everything
 * else (CASE, count, IN over tuples, string literals compared with dates and timestamps) is
 * written once in the shared subset both engines accept.
 */
public enum Dialect {
  CLICKHOUSE {
    @Override
    String matches(String column, String regexLiteral) {
      return "match(" + column + ", " + regexLiteral + ")";
    }

    /**
     * ClickHouse's max, min and avg of no rows are the type's default (0) or nan, not NULL: the
     * OrNull combinator gives SQL's (and GX's) answer, so an empty batch fails instead of passing
     * as 0 whenever 0 is within the bounds.
     */
    @Override
    String aggregate(String function, String column) {
      return function + "OrNull(" + column + ")";
    }
  },
  POSTGRES {
    @Override
    String matches(String column, String regexLiteral) {
      return "(" + column + " ~ " + regexLiteral + ")";
    }
  };

  /** A boolean expression: the column matches the regular expression (RE2 in ClickHouse, POSIX in Postgres). */
  abstract String matches(String column, String regexLiteral);

  /** An aggregate (max, min, avg) of a column that is NULL over no rows. */
  String aggregate(String function, String column) {
    return function + "(" + column + ")";
  }

  static String identifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** A string literal; backslashes doubled because ClickHouse reads them as escapes (Postgres with standard strings does not, so it gets E'..'). */
  String string(String value) {
    String q = value.replace("\\", "\\\\").replace("'", "\\'");
    return this == POSTGRES ? "E'" + q + "'" : "'" + q + "'";
  }
}
