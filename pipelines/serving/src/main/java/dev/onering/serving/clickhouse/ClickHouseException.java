package dev.onering.serving.clickhouse;

import dev.onering.pipeline.Redaction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ClickHouse rejected a statement, or could not be reached. Carries the engine's own message and
 * the SQL, so a failure in a step's log can be located and reproduced, with every string literal
 * of both blanked ({@link Redaction#sqlLiterals}): a literal is where a key or password would sit,
 * and ClickHouse's messages quote the statement (syntax errors, the analyzer's "In scope SELECT
 * ..."). Nothing unredacted leaves the store layer through this exception; paste the statement from
 * the code, not from the message.
 */
public class ClickHouseException extends RuntimeException {

  private static final Pattern CODE = Pattern.compile("Code: (\\d+)\\.");
  private static final int MAX_SQL_IN_MESSAGE = 4_000;

  private final String sql;
  private final String clickhouseMessage;
  private final int code;

  /**
   * @param message the whole message: what failed, ClickHouse's words and what to do next. The
   *     engine's message and the statement's first line ({@link #firstLine}) may appear in it raw:
   *     they are redacted here wherever they appear
   * @param clickhouseMessage ClickHouse's own message, e.g. {@code Code: 60. DB::Exception: ...}
   * @param code ClickHouse's error code, or -1 to read it from {@code clickhouseMessage}
   */
  public ClickHouseException(String message, String clickhouseMessage, int code, String sql) {
    this(message, clickhouseMessage, code, sql, redact(clickhouseMessage.strip()), Redaction.sqlLiterals(sql));
  }

  private ClickHouseException(String message, String rawMessage, int code, String rawSql, String clickhouseMessage,
      String sql) {
    super(Redaction.credentials(replace(replace(message, rawMessage.strip(), clickhouseMessage),
        firstLineAsIs(rawSql), firstLine(rawSql))) + "\n  SQL: " + abbreviate(sql));
    this.sql = sql;
    this.clickhouseMessage = clickhouseMessage;
    this.code = code >= 0 ? code : parseCode(rawMessage);
  }

  /** The statement as sent, string literals blanked. */
  public String sql() {
    return sql;
  }

  /**
   * The engine's message, e.g. {@code Code: 60. DB::Exception: Unknown table ... (UNKNOWN_TABLE)},
   * string literals blanked.
   */
  public String clickhouseMessage() {
    return clickhouseMessage;
  }

  /** ClickHouse's numeric error code (e.g. 60 for UNKNOWN_TABLE), or -1 when there is none. */
  public int code() {
    return code;
  }

  static int parseCode(String message) {
    Matcher m = CODE.matcher(message);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  /** The first line of a statement, string literals blanked: enough to recognise it in a message. */
  public static String firstLine(String sql) {
    return Redaction.sqlLiterals(firstLineAsIs(sql));
  }

  private static String firstLineAsIs(String sql) {
    String s = sql.strip();
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl) + " ...";
    return line.length() <= 200 ? line : line.substring(0, 200) + " ...";
  }

  private static String replace(String text, String raw, String redacted) {
    return raw.isEmpty() ? text : text.replace(raw, redacted);
  }

  private static String redact(String engineMessage) {
    return Redaction.credentials(Redaction.sqlLiterals(engineMessage));
  }

  private static String abbreviate(String sql) {
    // A bulk INSERT ... VALUES can be megabytes; the head is enough to recognise it.
    return sql.length() <= MAX_SQL_IN_MESSAGE
        ? sql
        : sql.substring(0, MAX_SQL_IN_MESSAGE) + " ... (" + sql.length() + " chars)";
  }
}
