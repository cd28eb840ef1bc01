package dev.onering.instruments;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.Month;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.Optional;

/** When an instrument trades: the session, if any, on a given day. */
public interface TradingCalendar {

  /** A trading session as a half-open interval of instants {@code [open, close)}. */
  record Session(Instant open, Instant close) {
    public long openMicros() {
      return open.getEpochSecond() * 1_000_000L + open.getNano() / 1_000;
    }

    public long closeMicros() {
      return close.getEpochSecond() * 1_000_000L + close.getNano() / 1_000;
    }
  }

  Optional<Session> session(LocalDate date);

  default boolean isTradingDay(LocalDate date) {
    return session(date).isPresent();
  }

  static TradingCalendar of(AssetClass assetClass) {
    return assetClass == AssetClass.CRYPTO ? CRYPTO : US_EQUITIES;
  }

  /** Crypto trades around the clock; a day is the UTC calendar day. */
  TradingCalendar CRYPTO =
      date ->
          Optional.of(
              new Session(
                  date.atStartOfDay(ZoneOffset.UTC).toInstant(),
                  date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()));

  /**
   * US equities: 09:30-16:00 New York time on weekdays that are not NYSE full-day holidays. The
   * session always falls inside one UTC day, so a trade's UTC date is its trading date.
   */
  TradingCalendar US_EQUITIES =
      new TradingCalendar() {
        private final ZoneId newYork = ZoneId.of("America/New_York");

        @Override
        public Optional<Session> session(LocalDate date) {
          if (!UsMarketHolidays.isTradingDay(date)) {
            return Optional.empty();
          }
          return Optional.of(
              new Session(
                  date.atTime(LocalTime.of(9, 30)).atZone(newYork).toInstant(),
                  date.atTime(LocalTime.of(16, 0)).atZone(newYork).toInstant()));
        }
      };

  /** NYSE full-day holidays by rule, with weekend observance. */
  final class UsMarketHolidays {
    private UsMarketHolidays() {}

    public static boolean isTradingDay(LocalDate d) {
      DayOfWeek dow = d.getDayOfWeek();
      return dow != DayOfWeek.SATURDAY && dow != DayOfWeek.SUNDAY && !isHoliday(d);
    }

    public static boolean isHoliday(LocalDate d) {
      int y = d.getYear();
      return d.equals(observed(LocalDate.of(y, Month.JANUARY, 1)))
          || d.equals(nth(y, Month.JANUARY, DayOfWeek.MONDAY, 3))
          || d.equals(nth(y, Month.FEBRUARY, DayOfWeek.MONDAY, 3))
          || d.equals(easterSunday(y).minusDays(2))
          || d.equals(LocalDate.of(y, Month.MAY, 1).with(TemporalAdjusters.lastInMonth(DayOfWeek.MONDAY)))
          || y >= 2022 && d.equals(observed(LocalDate.of(y, Month.JUNE, 19)))
          || d.equals(observed(LocalDate.of(y, Month.JULY, 4)))
          || d.equals(nth(y, Month.SEPTEMBER, DayOfWeek.MONDAY, 1))
          || d.equals(nth(y, Month.NOVEMBER, DayOfWeek.THURSDAY, 4))
          || d.equals(observed(LocalDate.of(y, Month.DECEMBER, 25)));
    }

    private static LocalDate observed(LocalDate holiday) {
      return switch (holiday.getDayOfWeek()) {
        // NYSE does not observe a Saturday New Year's Day on the Friday before.
        case SATURDAY -> holiday.getMonth() == Month.JANUARY ? LocalDate.MIN : holiday.minusDays(1);
        case SUNDAY -> holiday.plusDays(1);
        default -> holiday;
      };
    }

    private static LocalDate nth(int year, Month month, DayOfWeek dow, int n) {
      return LocalDate.of(year, month, 1).with(TemporalAdjusters.dayOfWeekInMonth(n, dow));
    }

    /** Anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
    static LocalDate easterSunday(int y) {
      int a = y % 19;
      int b = y / 100;
      int c = y % 100;
      int d = b / 4;
      int e = b % 4;
      int f = (b + 8) / 25;
      int g = (b - f + 1) / 3;
      int h = (19 * a + b - d - g + 15) % 30;
      int i = c / 4;
      int k = c % 4;
      int l = (32 + 2 * e + 2 * i - h - k) % 7;
      int m = (a + 11 * h + 22 * l) / 451;
      int month = (h + l - 7 * m + 114) / 31;
      int day = (h + l - 7 * m + 114) % 31 + 1;
      return LocalDate.of(y, month, day);
    }
  }
}
