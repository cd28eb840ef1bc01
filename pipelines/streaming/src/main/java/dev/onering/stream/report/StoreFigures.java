package dev.onering.stream.report;

import dev.onering.serving.clickhouse.SilverStore;
import dev.onering.stream.report.StreamRunReport.Alert;
import dev.onering.stream.report.StreamRunReport.Alerts;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the report reads back from ClickHouse after the run. Only the run's trade dates: the tables
 * are shared with the batch path and with earlier demo runs, whose rows are not this run's work.
 * FINAL, so a bar re-emitted by a late firing or a match found again after a restart counts once.
 */
public final class StoreFigures {
  private StoreFigures() {}

  /** Rows of silver.bars_1m on the dates. */
  public static long bars(SilverStore store, LocalDate from, LocalDate to) {
    return number(store.rows("SELECT count() AS n FROM silver.bars_1m FINAL" + dates(from, to)).get(0).get("n"));
  }

  /** The matches on the dates: counts per pattern, and the first {@code limit} rows by time. */
  public static Alerts alerts(SilverStore store, LocalDate from, LocalDate to, int limit) {
    Map<String, Long> byPattern = new LinkedHashMap<>();
    long total = 0;
    for (Map<String, Object> r : store.rows("SELECT pattern, count() AS n FROM silver.alerts FINAL" + dates(from, to)
        + " GROUP BY pattern ORDER BY n DESC, pattern")) {
      long n = number(r.get("n"));
      byPattern.put(String.valueOf(r.get("pattern")), n);
      total += n;
    }
    List<Alert> rows = new ArrayList<>();
    for (Map<String, Object> r : store.rows("SELECT pattern, symbol, toUnixTimestamp64Micro(first_bar_start) AS first_us,"
        + " toUnixTimestamp64Micro(last_bar_start) AS last_us, bars, move, detail FROM silver.alerts FINAL"
        + dates(from, to) + " ORDER BY first_bar_start, symbol, pattern LIMIT " + limit)) {
      rows.add(new Alert(String.valueOf(r.get("pattern")), String.valueOf(r.get("symbol")),
          micros(number(r.get("first_us"))), micros(number(r.get("last_us"))), (int) number(r.get("bars")),
          ((Number) r.get("move")).doubleValue(), (String) r.get("detail")));
    }
    return new Alerts(from, to, total, byPattern, rows, limit);
  }

  // LocalDate prints as YYYY-MM-DD: nothing from outside reaches the SQL.
  private static String dates(LocalDate from, LocalDate to) {
    return " WHERE trade_date BETWEEN '" + from + "' AND '" + to + "'";
  }

  /** ClickHouse's 64-bit integers arrive as Long or BigInteger, or quoted where a setting says so. */
  private static long number(Object v) {
    if (v instanceof Number n) {
      return n.longValue();
    }
    return Long.parseLong(String.valueOf(v));
  }

  private static Instant micros(long us) {
    return Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1_000L);
  }
}
