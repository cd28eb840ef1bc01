package dev.onering.simulator;

import dev.onering.lake.Lake;
import dev.onering.lake.LakeFiles;
import dev.onering.ticks.Tick;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes simulated days to the Bronze zone exactly as produced, one folder per date, rolling files
 * at a line limit. Writing a date again replaces that date's files (same seed, same bytes), so a
 * re-run never duplicates Bronze. Writes through {@link LakeFiles}, so the same bytes land in a
 * local folder or an s3a bucket. Optionally writes the clean truth (always to a local folder) for
 * tests and benchmarks.
 */
public final class BronzeWriter implements MarketSimulator.DaySink {

  private final LakeFiles lake;
  private final int maxLinesPerFile;
  private final Path truthDir;
  private final List<String> written = new ArrayList<>();

  /** @param truthDir where to write the clean truth as CSV, or null not to */
  public BronzeWriter(Lake lake, int maxLinesPerFile, Path truthDir) {
    this(LakeFiles.local(lake), maxLinesPerFile, truthDir);
  }

  /** @param truthDir where to write the clean truth as CSV, or null not to */
  public BronzeWriter(LakeFiles lake, int maxLinesPerFile, Path truthDir) {
    this.lake = lake;
    this.maxLinesPerFile = maxLinesPerFile;
    this.truthDir = truthDir;
  }

  /** The files written so far, as locations ({@link LakeFiles#uri}). */
  public List<String> written() {
    return List.copyOf(written);
  }

  @Override
  public void accept(MarketSimulator.Day day) throws IOException {
    String dir = Lake.datePartition(Lake.BRONZE_TICKS, "date", day.date());
    lake.delete(dir);
    int part = 0;
    int inFile = 0;
    BufferedWriter out = null;
    try {
      for (String line : day.lines()) {
        if (out == null || inFile == maxLinesPerFile) {
          if (out != null) {
            out.close();
          }
          String file = dir + String.format("/part-%05d.jsonl", part++);
          out = new BufferedWriter(new OutputStreamWriter(lake.create(file), StandardCharsets.UTF_8), 1 << 16);
          written.add(lake.uri(file));
          inFile = 0;
        }
        out.write(line);
        out.write('\n');
        inFile++;
      }
    } finally {
      if (out != null) {
        out.close();
      }
    }
    if (truthDir != null) {
      writeTruth(day);
    }
  }

  private void writeTruth(MarketSimulator.Day day) throws IOException {
    Path dir = truthDir.resolve("date=" + day.date());
    Files.createDirectories(dir);
    try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("truth.csv"), StandardCharsets.UTF_8)) {
      out.write(TRUTH_HEADER);
      out.write('\n');
      StringBuilder b = new StringBuilder(96);
      for (Tick t : day.truth()) {
        b.setLength(0);
        b.append(t.symbol()).append(',').append(t.seq()).append(',').append(t.eventTimeMicros()).append(',')
            .append(t.price()).append(',').append(t.size()).append(',').append(t.side()).append(',')
            .append(t.exchange()).append('\n');
        out.append(b);
      }
    }
  }

  public static final String TRUTH_HEADER = "symbol,seq,event_time,price,size,side,exchange";
}
