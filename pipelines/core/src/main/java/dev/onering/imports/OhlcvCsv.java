package dev.onering.imports;

import dev.onering.gold.DailyBar;
import dev.onering.ticks.RejectReason;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a daily OHLCV CSV file as users drop them in: a header naming at least
 * {@code date,open,high,low,close,volume} in any order and case, optionally {@code symbol}. Without
 * a symbol column the symbol is the file name up to its first dot or underscore, upper-cased
 * ({@code aapl_daily.csv} is AAPL). Every data line ends either as a bar or as a rejection naming
 * the line and field: nothing is dropped silently.
 */
public final class OhlcvCsv {

  public static final List<String> REQUIRED = List.of("date", "open", "high", "low", "close", "volume");

  public record Rejection(long line, RejectReason reason, String field, String detail, String raw) {}

  public interface Output {
    void bar(DailyBar bar, long line);

    void rejected(Rejection rejection);
  }

  private OhlcvCsv() {}

  public static String symbolFromFileName(String fileName) {
    String base = fileName.substring(fileName.lastIndexOf('/') + 1);
    int cut = base.length();
    for (char c : new char[] {'.', '_'}) {
      int i = base.indexOf(c);
      if (i > 0) {
        cut = Math.min(cut, i);
      }
    }
    return base.substring(0, cut).toUpperCase(Locale.ROOT);
  }

  /** Parses one file's lines (without line terminators), numbering them from 1. */
  public static void parse(String fileName, Iterator<String> lines, Output out) {
    long lineNo = 0;
    String header = null;
    while (lines.hasNext()) {
      String raw = lines.next();
      lineNo++;
      if (!raw.isBlank()) {
        header = raw;
        break;
      }
    }
    if (header == null) {
      return; // An empty file carries no rows to lose.
    }
    String[] names = split(stripBom(header));
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < names.length; i++) {
      index.put(names[i].trim().toLowerCase(Locale.ROOT), i);
    }
    String missing = REQUIRED.stream().filter(c -> !index.containsKey(c)).findFirst().orElse(null);
    Integer symbolColumn = index.get("symbol");
    String fileSymbol = symbolFromFileName(fileName);
    Set<String> seen = new HashSet<>();
    while (lines.hasNext()) {
      String raw = lines.next();
      lineNo++;
      if (raw.isBlank()) {
        continue;
      }
      if (missing != null) {
        out.rejected(new Rejection(lineNo, RejectReason.MISSING_COLUMN, missing,
            fileName + ": the header has no '" + missing + "' column (found: " + String.join(",", names)
                + "); add it and import the file again",
            raw));
        continue;
      }
      String[] v = split(raw);
      if (v.length != names.length) {
        out.rejected(new Rejection(lineNo, RejectReason.MALFORMED_ROW, null,
            fileName + " line " + lineNo + ": expected " + names.length + " fields, found " + v.length, raw));
        continue;
      }
      Row row = new Row(fileName, lineNo, raw, v, index);
      try {
        String symbol = symbolColumn != null && !v[symbolColumn].isBlank()
            ? v[symbolColumn].trim().toUpperCase(Locale.ROOT) : fileSymbol;
        LocalDate date = row.date();
        double open = row.number("open");
        double high = row.number("high");
        double low = row.number("low");
        double close = row.number("close");
        double volume = row.number("volume");
        for (String f : new String[] {"open", "high", "low", "close"}) {
          if (!(row.number(f) > 0)) {
            throw row.reject(RejectReason.NON_POSITIVE_PRICE, f, f + " must be positive, got " + row.number(f));
          }
        }
        if (volume < 0) {
          throw row.reject(RejectReason.INVALID_VALUE, "volume", "volume must not be negative, got " + volume);
        }
        if (high < Math.max(Math.max(open, close), low)) {
          throw row.reject(RejectReason.INCONSISTENT_OHLC, "high",
              "high " + high + " is below open, close or low (" + open + ", " + close + ", " + low + ")");
        }
        if (low > Math.min(open, close)) {
          throw row.reject(RejectReason.INCONSISTENT_OHLC, "low",
              "low " + low + " is above open or close (" + open + ", " + close + ")");
        }
        if (!seen.add(symbol + "|" + date)) {
          throw row.reject(RejectReason.DUPLICATE, "date", symbol + " on " + date + " appeared earlier in this file");
        }
        out.bar(new DailyBar(symbol, date, open, high, low, close, volume, null, null), lineNo);
      } catch (Rejected r) {
        out.rejected(r.rejection);
      }
    }
  }

  private static String stripBom(String s) {
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }

  /** Comma-separated fields; quotes are allowed around a field but a quoted comma is not. */
  private static String[] split(String line) {
    String[] v = line.split(",", -1);
    for (int i = 0; i < v.length; i++) {
      String t = v[i].trim();
      if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
        t = t.substring(1, t.length() - 1);
      }
      v[i] = t;
    }
    return v;
  }

  private static final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;
    final transient Rejection rejection;

    Rejected(Rejection rejection) {
      super(rejection.detail(), null, false, false);
      this.rejection = rejection;
    }
  }

  private record Row(String file, long line, String raw, String[] v, Map<String, Integer> index) {
    LocalDate date() throws Rejected {
      String s = v[index.get("date")];
      try {
        return LocalDate.parse(s.length() > 10 && s.charAt(10) == 'T' ? s.substring(0, 10) : s);
      } catch (DateTimeParseException e) {
        throw reject(RejectReason.INVALID_TYPE, "date", "date '" + s + "' is not a YYYY-MM-DD date");
      }
    }

    double number(String field) throws Rejected {
      String s = v[index.get(field)];
      try {
        double d = Double.parseDouble(s);
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          throw new NumberFormatException();
        }
        return d;
      } catch (NumberFormatException e) {
        throw reject(RejectReason.INVALID_TYPE, field, field + " '" + s + "' is not a number");
      }
    }

    Rejected reject(RejectReason reason, String field, String detail) {
      return new Rejected(new Rejection(line, reason, field, file + " line " + line + ", field " + field + ": " + detail, raw));
    }
  }

  /** Convenience for tests and small files. */
  public static List<Object> parseAll(String fileName, List<String> lines) {
    List<Object> out = new ArrayList<>();
    parse(fileName, lines.iterator(), new Output() {
      @Override
      public void bar(DailyBar bar, long line) {
        out.add(bar);
      }

      @Override
      public void rejected(Rejection rejection) {
        out.add(rejection);
      }
    });
    return out;
  }
}
