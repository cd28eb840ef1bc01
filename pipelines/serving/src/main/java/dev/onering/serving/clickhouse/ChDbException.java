package dev.onering.serving.clickhouse;

/**
 * ClickHouse inside chDB rejected a statement. Carries the engine's own message and the SQL, so a
 * failure in a step's log can be reproduced by pasting the statement into {@code clickhouse local}.
 */
public final class ChDbException extends ClickHouseException {

  public ChDbException(String clickhouseMessage, String sql) {
    super("ClickHouse (chDB) rejected the statement: " + clickhouseMessage.strip(), clickhouseMessage, -1, sql);
  }
}
