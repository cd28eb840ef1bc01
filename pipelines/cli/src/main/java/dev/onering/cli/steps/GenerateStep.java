package dev.onering.cli.steps;

import dev.onering.cli.Progress;
import dev.onering.cli.StepContext;
import dev.onering.instruments.ReferenceData;
import dev.onering.pipeline.Json;
import dev.onering.simulator.BronzeWriter;
import dev.onering.simulator.Manifest;
import dev.onering.simulator.MarketSimulator;
import dev.onering.simulator.SimulationConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Simulates the market into Bronze ({@code bronze/ticks/date=D/}) and writes the manifest next to
 * it ({@code bronze/ticks/_simulator/manifest.json}). With dates given, writes only those days;
 * the simulation still starts at the dataset's start date, so a day is the same either way.
 */
public final class GenerateStep implements PipelineStep {
  public static final String MANIFEST = "bronze/ticks/_simulator/manifest.json";

  @Override
  public String id() {
    return "generate";
  }

  @Override
  public Outcome execute(StepContext ctx, StepRequest request) throws Exception {
    if (!ctx.lake().isLocal()) {
      return Outcome.skipped("the simulator writes to a local lake; in the stack data arrives through ingestion");
    }
    SimulationConfig config = request.simulation();
    Set<java.time.LocalDate> only = new HashSet<>(request.dates());
    BronzeWriter writer = new BronzeWriter(ctx.lake(), config.maxLinesPerFile(), request.truthDir());
    long[] written = new long[2];
    int[] day = {0};
    Manifest manifest = new MarketSimulator(config, ReferenceData.standard()).run(d -> {
      day[0]++;
      if (only.isEmpty() || only.contains(d.date())) {
        writer.accept(d);
        written[0] += d.lines().size();
        written[1]++;
      }
      Progress.update(String.format("day %d/%d (%s), %,d lines written", day[0], config.days(), d.date(), written[0]));
    });
    Path manifestFile = ctx.lake().path(MANIFEST);
    Files.createDirectories(manifestFile.getParent());
    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(manifestFile.toFile(), manifest);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("seed", config.seed());
    details.put("symbols", manifest.symbols().size());
    details.put("days_written", written[1]);
    details.put("clean_ticks", manifest.cleanTicks());
    details.put("defects", manifest.defects());
    details.put("files", writer.written().size());
    details.put("manifest", manifestFile.toString());
    return Outcome.success(0, written[0], 0, details);
  }

  public static Manifest readManifest(StepContext ctx) throws java.io.IOException {
    Path f = ctx.lake().path(MANIFEST);
    return Files.exists(f) ? Json.MAPPER.readValue(f.toFile(), Manifest.class) : null;
  }
}
