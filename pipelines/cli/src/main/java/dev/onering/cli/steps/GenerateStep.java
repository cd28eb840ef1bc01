package dev.onering.cli.steps;

import dev.onering.cli.Progress;
import dev.onering.cli.StepContext;
import dev.onering.instruments.ReferenceData;
import dev.onering.lake.LakeFiles;
import dev.onering.pipeline.Json;
import dev.onering.simulator.BronzeWriter;
import dev.onering.simulator.Manifest;
import dev.onering.simulator.MarketSimulator;
import dev.onering.simulator.SimulationConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Simulates the market into Bronze ({@code bronze/ticks/date=D/}) and writes the manifest next to
 * it ({@code bronze/ticks/_simulator/manifest.json}). With dates given, writes only those days;
 * the simulation still starts at the dataset's start date, so a day is the same either way.
 * Writes to a local lake or an s3a one alike: in the stack, {@code make smoke} seeds Bronze with it.
 */
public final class GenerateStep implements PipelineStep {
  public static final String MANIFEST = "bronze/ticks/_simulator/manifest.json";

  @Override
  public String id() {
    return "generate";
  }

  @Override
  public Outcome execute(StepContext ctx, StepRequest request) throws Exception {
    SimulationConfig config = request.simulation();
    Set<java.time.LocalDate> only = new HashSet<>(request.dates());
    for (java.time.LocalDate d : only) {
      if (d.isBefore(config.startDate()) || !d.isBefore(config.startDate().plusDays(config.days()))) {
        return Outcome.failed("--run-date " + d + " is outside the simulated days " + config.startDate() + " to "
            + config.endDateInclusive() + "; pass --start-date (and --days) so the dataset covers it, e.g. "
            + "--start-date " + d + " --days 1", Map.of());
      }
    }
    LakeFiles lake = ctx.lakeFiles();
    BronzeWriter writer = new BronzeWriter(lake, config.maxLinesPerFile(), request.truthDir());
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
    try (OutputStream out = lake.create(MANIFEST)) {
      Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out, manifest);
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("seed", config.seed());
    details.put("symbols", manifest.symbols().size());
    details.put("days_written", written[1]);
    details.put("clean_ticks", manifest.cleanTicks());
    details.put("defects", manifest.defects());
    details.put("files", writer.written().size());
    details.put("manifest", lake.uri(MANIFEST));
    return Outcome.success(0, written[0], 0, details);
  }

  public static Manifest readManifest(StepContext ctx) throws java.io.IOException {
    LakeFiles lake = ctx.lakeFiles();
    if (!lake.exists(MANIFEST)) {
      return null;
    }
    try (InputStream in = lake.open(MANIFEST)) {
      return Json.MAPPER.readValue(in, Manifest.class);
    }
  }
}
