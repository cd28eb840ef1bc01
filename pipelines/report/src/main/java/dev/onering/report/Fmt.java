package dev.onering.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How numbers and times read on the page. Locale.ROOT so a report looks the same whichever machine
 * wrote it, and a dash for anything missing or not finite rather than "null" or "NaN".
 */
public final class Fmt {
  public static final String NONE = "—";

  private static final DateTimeFormatter UTC_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Fmt() {}

  public static String count(Long n) {
    return n == null ? NONE : String.format(Locale.ROOT, "%,d", n);
  }

  public static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  public static boolean finite(Double d) {
    return d != null && Double.isFinite(d);
  }

  /** A fraction as a percentage: 0.1234 reads "12.34 %". */
  public static String pct(Double fraction) {
    return finite(fraction) ? String.format(Locale.ROOT, "%.2f %%", fraction * 100) : NONE;
  }

  /** Same, with a sign, for returns: a reader scanning a column wants to see the direction. */
  public static String signedPct(Double fraction) {
    return finite(fraction) ? String.format(Locale.ROOT, "%+.2f %%", fraction * 100) : NONE;
  }

  public static String num(Double d, int decimals) {
    return finite(d) ? String.format(Locale.ROOT, "%,." + decimals + "f", d) : NONE;
  }

  /** Prices span 0.00001 (small crypto) to 100,000 (BTC); keep about five significant digits. */
  public static String price(Double d) {
    if (!finite(d)) {
      return NONE;
    }
    double a = Math.abs(d);
    int decimals = a >= 1000 ? 2 : a >= 1 ? 2 : a >= 0.01 ? 4 : 6;
    return num(d, decimals);
  }

  public static String instant(Instant t) {
    return t == null ? NONE : UTC_TIME.format(t);
  }

  /** Milliseconds as a person says them: "420 ms", "8.4 s", "2 min 05 s", "1 h 02 min". */
  public static String duration(long ms) {
    if (ms < 0) {
      return NONE;
    }
    if (ms < 1_000) {
      return ms + " ms";
    }
    if (ms < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    long s = ms / 1000;
    if (s < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
  }

  /** A number for a data-v attribute the table sort reads; missing values sort last. */
  public static String sortKey(Double d) {
    return finite(d) ? Double.toString(d) : "";
  }
}
