package dev.onering.pipeline;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.onering.gold.InstrumentSummary;
import dev.onering.ml.ModelSection;
import dev.onering.simulator.Manifest;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code out/runs/<run-id>/report.json} holds, and what report.html draws from it.
 *
 * @param layers row counts per layer: bronze (lines), silver (trades), gold (daily rows), quarantine
 * @param quarantineByReason quarantined records per reason code
 * @param prices daily candles for a few symbols, for the price chart
 * @param intraday 1-minute bars of one symbol on its last day, for the intraday chart
 * @param dataset the simulator's manifest when the run generated its data, else null
 * @param model the trained model against its baselines, and its drift; null when train did not run
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RunReport(
    String runId,
    String pipeline,
    String runtime,
    String lake,
    Instant startedAt,
    Instant finishedAt,
    long durationMs,
    StepResult.Status status,
    List<StepResult> steps,
    Map<String, Long> layers,
    Map<String, Long> quarantineByReason,
    List<PriceSeries> prices,
    IntradaySeries intraday,
    List<InstrumentSummary> instruments,
    Manifest dataset,
    Object quality,
    ModelSection model) {

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Candle(
      LocalDate date, double open, double high, double low, double close, double volume, Double sma20,
      Double zscore20, Double rsi14) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record PriceSeries(String symbol, String assetClass, List<Candle> candles) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record MinuteBar(Instant barStart, double open, double high, double low, double close, double volume, double vwap) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record IntradaySeries(String symbol, LocalDate date, List<MinuteBar> bars) {}
}
