package dev.onering.stream.report;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a stream demo run reports: what {@code out/stream/<id>/report.json} and
 * {@code data/reports/stream-demo.json} hold and what {@link StreamHtmlReport} draws, so the file
 * and the page cannot disagree. The flat figures up to {@code barDelayDefinition} keep the names
 * stream-demo.json has always used.
 *
 * @param store where silver.bars_1m and silver.alerts are (chDB's data directory)
 * @param barsInClickhouse rows of silver.bars_1m FINAL on the run's trade dates; null if the store
 *     could not be read
 * @param alertsInClickhouse rows of silver.alerts FINAL on the run's trade dates; null likewise
 * @param barUpdates bar rows the ClickHouse writers upserted: every revision of every minute
 * @param barDelayMsP50 median {@link #barDelayDefinition bar delay}, null when no bar was matched
 * @param quarantineByReason quarantined messages per reason code, as the job emitted them
 * @param missing for a section whose data is absent, why (section id to a sentence)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StreamRunReport(
    String runId,
    Instant startedAt,
    Instant finishedAt,
    long durationMs,
    String lake,
    String store,
    long ticksPublished,
    double publishSeconds,
    long ticksPerSecond,
    Long barsInClickhouse,
    Long alertsInClickhouse,
    long barUpdates,
    long closedBars,
    long late,
    long quarantined,
    Double barDelayMsP50,
    Double barDelayMsP99,
    String barDelayDefinition,
    Settings settings,
    Timeline timeline,
    DelayDistribution barDelays,
    Alerts alerts,
    Map<String, Long> quarantineByReason,
    Map<String, String> missing) {

  /** What the job and the publisher ran with. Durations in milliseconds. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Settings(
      long outOfOrdernessMs,
      long allowedLatenessMs,
      long dedupRetentionMs,
      int spikeWarmup,
      int spikeWindow,
      double alertSpikeMove,
      double alertReversalShare,
      long alertReversalWithinMs,
      int alertRisingBars,
      int parallelism,
      long checkpointIntervalMs,
      String rate,
      int symbols,
      int days,
      LocalDate startDate,
      LocalDate endDate,
      int ticksPerDay,
      double defectScale,
      long seed) {}

  /**
   * The run second by second, from the 1 s progress samples.
   *
   * @param points one per sample after the first: the rates over the interval ending at {@code t}
   * @param events moments worth a line on the chart (all published, draining, stopped)
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Timeline(List<Point> points, List<Event> events) {}

  /**
   * Per-second rates over the interval that ends {@code t} seconds after the job was submitted.
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Point(
      double t, double ticksSent, double barUpdates, double closedBars, double late, double quarantined, double alerts) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Event(double t, String label) {}

  /**
   * The CEP matches of the run's trade dates, read back from ClickHouse.
   *
   * @param rows the first {@code limit} matches by time; {@code total} says how many there are
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Alerts(LocalDate from, LocalDate to, long total, Map<String, Long> byPattern, List<Alert> rows, int limit) {}

  /** One row of silver.alerts. {@code move} is a fraction: 0.012 is +1.2 %. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Alert(
      String pattern, String symbol, Instant firstBarStart, Instant lastBarStart, int bars, double move, String detail) {}

  /** The figures stream-demo.json held before the report existed, for the command's stdout line. */
  public Map<String, Object> summary() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("run_id", runId);
    out.put("ticks_published", ticksPublished);
    out.put("publish_seconds", publishSeconds);
    out.put("ticks_per_second", ticksPerSecond);
    out.put("bars_in_clickhouse", barsInClickhouse);
    out.put("alerts_in_clickhouse", alertsInClickhouse);
    out.put("closed_bars", closedBars);
    out.put("late", late);
    out.put("quarantined", quarantined);
    out.put("bar_delay_ms_p50", barDelayMsP50);
    out.put("bar_delay_ms_p99", barDelayMsP99);
    return out;
  }
}
