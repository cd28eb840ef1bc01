package dev.onering.serving.clickhouse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Silver Parquet as Spark writes it, made without Spark: chDB writes the files with Spark's column
 * names and types (optional columns, timestamps as microsecond TIMESTAMP, no trade_date column,
 * which lives in the folder name). The rows are generated here in Java, so tests compare the store
 * against values computed independently of it.
 */
final class SilverParquet {

  record Trade(String symbol, long seq, long eventMicros, double price, double size, String side,
      String exchange) {}

  record Bar(String symbol, long barStartMicros, double open, double high, double low,
      double close, double volume, double notional, double vwap, long tradeCount) {}

  // Spark marks columns optional unless the schema says otherwise: Nullable mirrors that.
  static final String TRADES_STRUCTURE = "symbol Nullable(String), seq Nullable(Int64),"
      + " event_time Nullable(DateTime64(6, 'UTC')), price Nullable(Float64),"
      + " size Nullable(Float64), side Nullable(String), exchange Nullable(String)";
  static final String BARS_STRUCTURE = "symbol Nullable(String),"
      + " bar_start Nullable(DateTime64(6, 'UTC')), open Nullable(Float64),"
      + " high Nullable(Float64), low Nullable(Float64), close Nullable(Float64),"
      + " volume Nullable(Float64), notional Nullable(Float64), vwap Nullable(Float64),"
      + " trade_count Nullable(Int64)";

  private SilverParquet() {}

  /** Trades for one date: per-symbol increasing seq, microsecond event times in the session. */
  static List<Trade> trades(LocalDate date, int perSymbol, long seed) {
    Random random = new Random(seed);
    String[][] symbols = {{"AAPL", "XNAS"}, {"MSFT", "XNAS"}, {"BTC-USD", "XCRY"}};
    long sessionStart = ChronoUnit.MICROS.between(Instant.EPOCH,
        date.atTime(13, 30).toInstant(ZoneOffset.UTC));
    long firstSeq = date.toEpochDay() * 1_000_000L;
    List<Trade> trades = new ArrayList<>();
    for (String[] s : symbols) {
      long t = sessionStart + random.nextInt(1_000_000);
      double price = 100 + random.nextInt(100);
      for (int i = 0; i < perSymbol; i++) {
        t += 1 + random.nextInt(20_000_000); // up to 20 s apart, odd microseconds included
        price = Math.round((price + random.nextGaussian() * 0.05) * 100) / 100.0;
        trades.add(new Trade(s[0], firstSeq + i, t, price, 1 + random.nextInt(500),
            random.nextBoolean() ? "buy" : "sell", s[1]));
      }
    }
    return trades;
  }

  /** One-minute OHLC bars of {@code trades}, computed here, as the Silver job defines them. */
  static List<Bar> bars(List<Trade> trades) {
    Map<String, List<Trade>> byMinute = trades.stream()
        .sorted(Comparator.comparing(Trade::symbol).thenComparingLong(Trade::seq))
        .collect(Collectors.groupingBy(
            t -> t.symbol() + "|" + Math.floorDiv(t.eventMicros(), 60_000_000L) * 60_000_000L,
            LinkedHashMap::new, Collectors.toList()));
    List<Bar> bars = new ArrayList<>();
    byMinute.forEach((key, ts) -> {
      double volume = ts.stream().mapToDouble(Trade::size).sum();
      double notional = ts.stream().mapToDouble(t -> t.price() * t.size()).sum();
      bars.add(new Bar(ts.get(0).symbol(), Long.parseLong(key.substring(key.indexOf('|') + 1)),
          ts.get(0).price(), ts.stream().mapToDouble(Trade::price).max().orElseThrow(),
          ts.stream().mapToDouble(Trade::price).min().orElseThrow(),
          ts.get(ts.size() - 1).price(), volume, notional, notional / volume, ts.size()));
    });
    return bars;
  }

  static void writeTrades(ChDb db, Path file, List<Trade> trades) {
    write(db, file, TRADES_STRUCTURE, trades.stream()
        .map(t -> "(" + ChDb.quote(t.symbol()) + ", " + t.seq() + ", fromUnixTimestamp64Micro("
            + t.eventMicros() + ", 'UTC'), " + t.price() + ", " + t.size() + ", "
            + ChDb.quote(t.side()) + ", " + ChDb.quote(t.exchange()) + ")")
        .collect(Collectors.joining(", ")));
  }

  static void writeBars(ChDb db, Path file, List<Bar> bars) {
    write(db, file, BARS_STRUCTURE, bars.stream()
        .map(b -> "(" + ChDb.quote(b.symbol()) + ", fromUnixTimestamp64Micro(" + b.barStartMicros()
            + ", 'UTC'), " + b.open() + ", " + b.high() + ", " + b.low() + ", " + b.close() + ", "
            + b.volume() + ", " + b.notional() + ", " + b.vwap() + ", " + b.tradeCount() + ")")
        .collect(Collectors.joining(", ")));
  }

  /** Writes rows given as SQL VALUES tuples to one Parquet file, replacing it if present. */
  static void write(ChDb db, Path file, String structure, String values) {
    try {
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    db.execute("INSERT INTO FUNCTION file(" + ChDb.quote(file.toString()) + ", Parquet, "
        + ChDb.quote(structure) + ") VALUES " + values);
  }
}
