package dev.onering.stream.pulsar;

import dev.onering.instruments.ReferenceData;
import dev.onering.lake.Lake;
import dev.onering.simulator.MarketSimulator;
import dev.onering.simulator.SimulationConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Where the publisher's lines come from: the simulator, or Bronze files already in a lake. */
public final class TickSources {
  private TickSources() {}

  /** Lines in arrival order, handed one at a time. */
  @FunctionalInterface
  public interface LineSource {
    void forEach(LineSink sink) throws Exception;
  }

  @FunctionalInterface
  public interface LineSink {
    void accept(String line) throws Exception;
  }

  /**
   * The simulator's Bronze lines, defects included, day by day in arrival order: the same lines
   * {@code onering generate} writes for this configuration.
   */
  public static LineSource simulator(SimulationConfig config) {
    return sink -> new MarketSimulator(config, ReferenceData.standard()).run(day -> {
      for (String line : day.lines()) {
        sink.accept(line);
      }
    });
  }

  /**
   * The lines of the Bronze tick files under {@code dir}, by date, then by file, then by line: the
   * order they arrived in. {@code dir} may be a lake root, its {@code bronze/ticks} folder, one
   * {@code date=D} folder, or any folder of {@code .jsonl} files.
   */
  public static LineSource bronze(Path dir) throws IOException {
    List<Path> files = bronzeFiles(dir);
    return sink -> {
      for (Path f : files) {
        try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
          String line;
          while ((line = in.readLine()) != null) {
            sink.accept(line);
          }
        }
      }
    };
  }

  /** The Bronze files under a folder, in arrival order. */
  public static List<Path> bronzeFiles(Path dir) throws IOException {
    Path root = Files.isDirectory(dir.resolve(Lake.BRONZE_TICKS)) ? dir.resolve(Lake.BRONZE_TICKS) : dir;
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException("no Bronze folder at " + dir
          + "; give a lake root (with bronze/ticks), its bronze/ticks folder or a date=YYYY-MM-DD folder");
    }
    List<Path> files = new ArrayList<>();
    // date=YYYY-MM-DD and part-NNNNN sort as text in time order; _simulator holds the manifest.
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().endsWith(".jsonl"))
          .filter(p -> !root.relativize(p).toString().startsWith("_"))
          .sorted()
          .forEach(files::add);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no .jsonl files under " + root + "; run 'onering generate' first");
    }
    return files;
  }
}
