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
  },
  POSTGRES {
    @Override
    String matches(String column, String regexLiteral) {
      return "(" + column + " ~ " + regexLiteral + ")";
    }
  };

  /** A boolean expression: the column matches the regular expression (RE2 in ClickHouse, POSIX in Postgres). */
  abstract String matches(String column, String regexLiteral);

  static String identifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** A string literal; backslashes doubled because ClickHouse reads them as escapes (Postgres with standard strings does not, so it gets E'..'). */
  String string(String value) {
    String q = value.replace("\\", "\\\\").replace("'", "\\'");
    return this == POSTGRES ? "E'" + q + "'" : "'" + q + "'";
  }
}
