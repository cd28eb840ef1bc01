package dev.onering.ticks;

import java.util.Locale;

/**
 * Why a Bronze record did not reach Silver. The codes are what quarantine records, the run report
 * and the quality suites use; docs/cleaning-rules.md explains each in plain words.
 */
public enum RejectReason {
  MALFORMED_JSON("the line is not a JSON object"),
  MISSING_FIELD("a required field is absent"),
  INVALID_TYPE("a field has the wrong type"),
  INVALID_VALUE("a field has a value outside its allowed set"),
  NULL_PRICE("price is null"),
  NON_POSITIVE_PRICE("price is zero or negative"),
  NULL_SIZE("size is null"),
  NON_POSITIVE_SIZE("size is zero or negative"),
  UNKNOWN_SYMBOL("the symbol is not in the instrument reference set"),
  OUTSIDE_BATCH_DATE("the event's date is not the date of the batch it arrived in"),
  PRICE_SPIKE("price is more than 3x away from the symbol's median price that day"),
  DUPLICATE("an earlier record had the same key: (symbol, seq) for ticks, (symbol, date) for daily rows"),
  MISSING_COLUMN("the file's header lacks a required column, so none of its rows can be read"),
  MALFORMED_ROW("the row does not have as many fields as the header"),
  INCONSISTENT_OHLC("high and low do not bound open and close"),
  UNREADABLE_FILE("the file could not be read from this line on; it stays in Bronze, re-run the date once it reads");

  private final String meaning;

  RejectReason(String meaning) {
    this.meaning = meaning;
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public String meaning() {
    return meaning;
  }

  public static RejectReason fromCode(String code) {
    return valueOf(code.toUpperCase(Locale.ROOT));
  }
}
