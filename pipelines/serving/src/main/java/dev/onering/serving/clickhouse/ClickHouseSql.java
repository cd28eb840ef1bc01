package dev.onering.serving.clickhouse;

import java.util.List;
import java.util.Map;

/**
 * The few ways this project talks to a ClickHouse engine, whichever it is: chDB in this JVM
 * ({@link ChDb}) or a server over HTTP ({@link ClickHouseHttp}). The changelog applier and the
 * Silver store are written against this, so one piece of SQL-building code serves both runtimes.
 */
public interface ClickHouseSql {

  /** Runs a statement whose output, if any, is not needed (DDL, INSERT ... SELECT, ALTER). */
  void execute(String sql);

  /**
   * Runs a query and returns its rows, column order kept. Values are what JSON gives: String for
   * strings, dates and DateTime64, Integer/Long/BigInteger for integers (64-bit ones unquoted),
   * Double for floats, null. The whole result is held in memory: aggregate in SQL.
   */
  List<Map<String, Object>> rows(String sql);

  /** Runs a query that returns exactly one integer value, e.g. {@code SELECT count() FROM t}. */
  long scalarLong(String sql);

  /**
   * Runs {@code INSERT INTO t [(columns)] FORMAT <text format>} with {@code data} as its rows, e.g.
   * JSON lines for {@code FORMAT JSONEachRow}.
   */
  void insert(String insertSql, String data);

  /** Where the engine is, for messages: {@code chDB at /path} or {@code ClickHouse at http://...}. */
  String location();
}
