package dev.onering.simulator;

import java.time.LocalDate;
import picocli.CommandLine.Option;

/**
 * The simulated dataset's options, declared once for every command that simulates ticks
 * ({@code onering generate}, {@code onering run}, {@code onering stream publish}), so the same
 * options give the same lines wherever they are typed. A picocli mixin:
 * {@code @Mixin SimulationOptions simulation}.
 */
public final class SimulationOptions {
  @Option(names = "--seed", description = "Random seed; the same seed gives the same data (default: ${DEFAULT-VALUE}).",
      defaultValue = "" + SimulationConfig.DEFAULT_SEED)
  long seed;

  @Option(names = "--symbols", description = "How many instruments, 1-24, mixing equities and crypto (default: ${DEFAULT-VALUE}).",
      defaultValue = "" + SimulationConfig.DEFAULT_SYMBOLS)
  int symbols;

  @Option(names = "--start-date", paramLabel = "YYYY-MM-DD", description = "First simulated day (default: ${DEFAULT-VALUE}).",
      defaultValue = "2026-08-03")
  LocalDate startDate;

  @Option(names = "--days", description = "Calendar days to simulate; equities skip weekends and holidays (default: ${DEFAULT-VALUE}).",
      defaultValue = "" + SimulationConfig.DEFAULT_DAYS)
  int days;

  @Option(names = "--ticks-per-day", description = "Average trades per symbol per trading day (default: ${DEFAULT-VALUE}).",
      defaultValue = "" + SimulationConfig.DEFAULT_TICKS_PER_DAY)
  int ticksPerDay;

  @Option(names = "--defect-scale", description = "Multiplies every defect rate; 0 for clean data, 20 for a bad day (default: ${DEFAULT-VALUE}).",
      defaultValue = "1")
  double defectScale;

  /** The configuration these options describe, Bronze files rolling over at {@code maxLinesPerFile}. */
  public SimulationConfig config(int maxLinesPerFile) {
    return new SimulationConfig(seed, symbols, startDate, days, ticksPerDay,
        SimulationConfig.defaultRates(defectScale), maxLinesPerFile);
  }

  public SimulationConfig config() {
    return config(SimulationConfig.DEFAULT_MAX_LINES_PER_FILE);
  }
}
