package dev.onering.simulator;

import java.time.LocalDate;
import java.util.EnumMap;
import java.util.Map;

/**
 * What to simulate. The defaults make the dataset {@code make demo} runs: fixed seed, so every run
 * sees the same data.
 *
 * @param ticksPerDay average trades per symbol per trading day; busy symbols get more
 * @param defectRates probability per clean tick of each defect
 * @param maxLinesPerFile Bronze files roll over at this many lines, as a real ingestor's would
 */
public record SimulationConfig(
    long seed,
    int symbols,
    LocalDate startDate,
    int days,
    int ticksPerDay,
    Map<Defect, Double> defectRates,
    int maxLinesPerFile) {

  public static final long DEFAULT_SEED = 20261123L;
  public static final int DEFAULT_SYMBOLS = 24;
  public static final LocalDate DEFAULT_START_DATE = LocalDate.of(2026, 8, 3);
  public static final int DEFAULT_DAYS = 60;
  public static final int DEFAULT_TICKS_PER_DAY = 1_500;
  public static final int DEFAULT_MAX_LINES_PER_FILE = 1_000_000;

  public SimulationConfig {
    if (symbols < 1) {
      throw new IllegalArgumentException("symbols must be at least 1, got " + symbols);
    }
    if (days < 1) {
      throw new IllegalArgumentException("days must be at least 1, got " + days);
    }
    if (ticksPerDay < 1) {
      throw new IllegalArgumentException("ticks per day must be at least 1, got " + ticksPerDay);
    }
    if (maxLinesPerFile < 1) {
      throw new IllegalArgumentException("max lines per file must be at least 1, got " + maxLinesPerFile);
    }
    EnumMap<Defect, Double> rates = new EnumMap<>(Defect.class);
    for (Defect d : Defect.values()) {
      double r = defectRates.getOrDefault(d, 0.0);
      if (!(r >= 0 && r < 0.2)) {
        throw new IllegalArgumentException(d.code() + " rate must be in [0, 0.2), got " + r);
      }
      rates.put(d, r);
    }
    defectRates = Map.copyOf(rates);
  }

  public static Map<Defect, Double> defaultRates(double scale) {
    EnumMap<Defect, Double> rates = new EnumMap<>(Defect.class);
    for (Defect d : Defect.values()) {
      rates.put(d, d.defaultRate() * scale);
    }
    return rates;
  }

  public static SimulationConfig defaults() {
    return new SimulationConfig(
        DEFAULT_SEED,
        DEFAULT_SYMBOLS,
        DEFAULT_START_DATE,
        DEFAULT_DAYS,
        DEFAULT_TICKS_PER_DAY,
        defaultRates(1.0),
        DEFAULT_MAX_LINES_PER_FILE);
  }

  public SimulationConfig withSize(int symbols, int days, int ticksPerDay) {
    return new SimulationConfig(seed, symbols, startDate, days, ticksPerDay, defectRates, maxLinesPerFile);
  }

  public SimulationConfig withSeed(long seed) {
    return new SimulationConfig(seed, symbols, startDate, days, ticksPerDay, defectRates, maxLinesPerFile);
  }

  public SimulationConfig withStartDate(LocalDate start) {
    return new SimulationConfig(seed, symbols, start, days, ticksPerDay, defectRates, maxLinesPerFile);
  }

  public SimulationConfig withDefectRates(Map<Defect, Double> rates) {
    return new SimulationConfig(seed, symbols, startDate, days, ticksPerDay, rates, maxLinesPerFile);
  }

  public SimulationConfig withMaxLinesPerFile(int lines) {
    return new SimulationConfig(seed, symbols, startDate, days, ticksPerDay, defectRates, lines);
  }

  public LocalDate endDateInclusive() {
    return startDate.plusDays(days - 1L);
  }
}
