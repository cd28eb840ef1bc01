package dev.onering.serving.clickhouse;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ClickHouse (inside chDB) rejected a statement. Carries the engine's own message and the SQL, so a
 * failure in a step's log can be reproduced by pasting the statement into {@code clickhouse local}.
 */
public final class ChDbException extends RuntimeException {

  private static final Pattern CODE = Pattern.compile("Code: (\\d+)\\.");
  private static final int MAX_SQL_IN_MESSAGE = 4_000;

  private final String sql;
  private final String clickhouseMessage;

  public ChDbException(String clickhouseMessage, String sql) {
    super("ClickHouse (chDB) rejected the statement: " + clickhouseMessage.strip()
        + "\n  SQL: " + abbreviate(sql));
    this.sql = sql;
    this.clickhouseMessage = clickhouseMessage.strip();
  }

  /** The statement as sent. */
  public String sql() {
    return sql;
  }

  /** The engine's message, e.g. {@code Code: 60. DB::Exception: Unknown table ... (UNKNOWN_TABLE)}. */
  public String clickhouseMessage() {
    return clickhouseMessage;
  }

  /** ClickHouse's numeric error code (e.g. 60 for UNKNOWN_TABLE), or -1 when the message has none. */
  public int code() {
    Matcher m = CODE.matcher(clickhouseMessage);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  private static String abbreviate(String sql) {
    // A bulk INSERT ... VALUES can be megabytes; the head is enough to recognise it.
    return sql.length() <= MAX_SQL_IN_MESSAGE
        ? sql
        : sql.substring(0, MAX_SQL_IN_MESSAGE) + " ... (" + sql.length() + " chars)";
  }
}
