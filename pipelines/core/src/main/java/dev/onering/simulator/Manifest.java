package dev.onering.simulator;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.onering.instruments.Instrument;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the simulator produced: its configuration, the clean tick count and every injected defect,
 * in total and per date. Tests check quarantine counts against it; the report shows it.
 */
public record Manifest(
    @JsonProperty("seed") long seed,
    @JsonProperty("start_date") LocalDate startDate,
    @JsonProperty("days") int days,
    @JsonProperty("ticks_per_day") int ticksPerDay,
    @JsonProperty("symbols") List<String> symbols,
    @JsonProperty("defect_rates") Map<String, Double> defectRates,
    @JsonProperty("clean_ticks") long cleanTicks,
    @JsonProperty("lines") long lines,
    @JsonProperty("defects") Map<String, Long> defects,
    @JsonProperty("by_date") Map<LocalDate, DateCounts> byDate) {

  public record DateCounts(
      @JsonProperty("clean_ticks") long cleanTicks,
      @JsonProperty("lines") long lines,
      @JsonProperty("defects") Map<String, Long> defects) {}

  /** How many records the Silver job must quarantine for a reason, by the manifest. */
  public long expectedQuarantine(dev.onering.ticks.RejectReason reason) {
    long n = 0;
    for (Defect d : Defect.values()) {
      if (d.quarantineReason() == reason) {
        n += defects.getOrDefault(d.code(), 0L);
      }
    }
    return n;
  }

  static Builder builder(SimulationConfig config, List<Instrument> instruments) {
    return new Builder(config, instruments);
  }

  static final class Builder {
    private final SimulationConfig config;
    private final List<String> symbols = new ArrayList<>();
    private final Map<Defect, Long> totals = new EnumMap<>(Defect.class);
    private final Map<LocalDate, DateCounts> byDate = new TreeMap<>();
    private long clean;
    private long lines;

    Builder(SimulationConfig config, List<Instrument> instruments) {
      this.config = config;
      instruments.forEach(i -> symbols.add(i.symbol()));
      for (Defect d : Defect.values()) {
        totals.put(d, 0L);
      }
    }

    void add(MarketSimulator.Day day) {
      clean += day.truth().size();
      lines += day.lines().size();
      day.defects().forEach((d, n) -> totals.merge(d, n, Long::sum));
      byDate.put(day.date(), new DateCounts(day.truth().size(), day.lines().size(), codes(day.defects())));
    }

    Manifest build() {
      Map<String, Double> rates = new LinkedHashMap<>();
      for (Defect d : Defect.values()) {
        rates.put(d.code(), config.defectRates().get(d));
      }
      return new Manifest(
          config.seed(), config.startDate(), config.days(), config.ticksPerDay(), List.copyOf(symbols),
          rates, clean, lines, codes(totals), byDate);
    }

    private static Map<String, Long> codes(Map<Defect, Long> counts) {
      Map<String, Long> out = new LinkedHashMap<>();
      for (Defect d : Defect.values()) {
        out.put(d.code(), counts.getOrDefault(d, 0L));
      }
      return out;
    }
  }
}
