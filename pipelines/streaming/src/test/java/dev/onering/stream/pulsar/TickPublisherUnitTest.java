package dev.onering.stream.pulsar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onering.instruments.ReferenceData;
import dev.onering.simulator.MarketSimulator;
import dev.onering.simulator.SimulationConfig;
import dev.onering.ticks.ParsedTick;
import dev.onering.ticks.TickParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The publisher's pure parts: keys, the timeline and the Bronze file order. No broker. */
class TickPublisherUnitTest {
  private static final long M = PublishTimeline.MINUTE_MICROS;
  private static final long T0 = 1_785_762_000_000_000L; // a minute boundary

  @Test
  void theKeyIsTheSymbolWhereTheLineStillShowsOne() {
    assertThat(TickPublisher.keyOf("{\"symbol\":\"BTC-USD\",\"seq\":1}")).isEqualTo("BTC-USD");
    assertThat(TickPublisher.keyOf("{\"seq\":1,\"symbol\":\"AAPL\"}")).isEqualTo("AAPL");
    assertThat(TickPublisher.keyOf("MSFT,12,1785762000000000,410.5,100.0,buy,XNAS")).isEqualTo("MSFT");
    assertThat(TickPublisher.keyOf("{\"symbol\":\"AA")).isNull();
    assertThat(TickPublisher.keyOf("{\"sym")).isNull();
    assertThat(TickPublisher.keyOf("")).isNull();
  }

  @Test
  void theCheapEventTimeLookAgreesWithTheParserOnEveryLineItAccepts() throws Exception {
    // The publisher parses only lines whose scanned event time could cross the next minute, so the
    // scan must never read less than the parser on a line the parser accepts, defects included.
    TickParser parser = new TickParser(ReferenceData.standard());
    SimulationConfig config = SimulationConfig.defaults().withSize(6, 2, 2_000)
        .withDefectRates(SimulationConfig.defaultRates(10));
    long[] counts = new long[2];
    new MarketSimulator(config, ReferenceData.standard()).run(day -> {
      for (String line : day.lines()) {
        if (parser.parse(line, null) instanceof ParsedTick.Accepted a) {
          assertThat(TickPublisher.scanEventTime(line)).as(line).isEqualTo(a.tick().eventTimeMicros());
          counts[0]++;
        } else {
          counts[1]++;
        }
      }
    });
    assertThat(counts[0]).as("accepted lines").isGreaterThan(1_000);
    assertThat(counts[1]).as("rejected lines, so the defects are in play").isGreaterThan(10);
    assertThat(TickPublisher.scanEventTime("{\"symbol\":\"AAPL\"}")).isEqualTo(Long.MIN_VALUE);
    assertThat(TickPublisher.scanEventTime("{\"event_time\":\"soon\"}")).isEqualTo(Long.MIN_VALUE);
    assertThat(TickPublisher.scanEventTime("{\"event_time\": 17}")).isEqualTo(17);
  }

  @Test
  void theTimelineRecordsEachMinuteOnceAtTheFirstTickThatReachesIt() {
    PublishTimeline t = new PublishTimeline();
    t.observe(T0 + 30_000_000, 100);      // opens minute T0
    t.observe(T0 + 50_000_000, 200);      // same minute: nothing new
    t.observe(T0 + 3 * M + 10, 300);      // crosses T0+1m, T0+2m and T0+3m at once
    t.observe(T0 + M, 400);               // late: behind what was already crossed
    t.observe(T0 + 4 * M, 500);           // exactly on a boundary counts
    assertThat(t.boundaries()).containsExactly(
        new PublishTimeline.Boundary(T0, 100),
        new PublishTimeline.Boundary(T0 + M, 300),
        new PublishTimeline.Boundary(T0 + 2 * M, 300),
        new PublishTimeline.Boundary(T0 + 3 * M, 300),
        new PublishTimeline.Boundary(T0 + 4 * M, 500));
    assertThat(t.sentAt(T0 + 2 * M)).hasValue(300);
    assertThat(t.sentAt(T0 + 5 * M)).isEmpty();
  }

  @Test
  void anAbsurdJumpInEventTimeDoesNotFillEveryMinuteBetween() {
    PublishTimeline t = new PublishTimeline();
    t.observe(T0, 1);
    t.observe(T0 + 365L * 24 * 60 * M, 2);
    assertThat(t.boundaries()).hasSize(2);
  }

  @Test
  void timelineFilesRoundTrip(@TempDir Path tmp) throws Exception {
    PublishTimeline t = new PublishTimeline();
    t.observe(T0, 11);
    t.observe(T0 + M, 22);
    Path f = tmp.resolve("sub/timeline.json");
    t.write(f, StreamTopics.TICKS);
    assertThat(PublishTimeline.read(f)).containsExactly(java.util.Map.entry(T0, 11L), java.util.Map.entry(T0 + M, 22L));
    assertThat(Files.readString(f)).contains("\"event_time\"").contains("\"sent_at\"");
  }

  @Test
  void bronzeFilesAreReadByDateThenPartSkippingTheManifest(@TempDir Path lake) throws Exception {
    Path ticks = lake.resolve("bronze/ticks");
    for (String f : List.of("date=2026-08-04/part-00000.jsonl", "date=2026-08-03/part-00001.jsonl",
        "date=2026-08-03/part-00000.jsonl", "_simulator/manifest.jsonl")) {
      Files.createDirectories(ticks.resolve(f).getParent());
      Files.writeString(ticks.resolve(f), f + "\n");
    }
    assertThat(TickSources.bronzeFiles(lake)).extracting(p -> ticks.relativize(p).toString()).containsExactly(
        "date=2026-08-03/part-00000.jsonl", "date=2026-08-03/part-00001.jsonl", "date=2026-08-04/part-00000.jsonl");
    assertThat(TickSources.bronzeFiles(ticks.resolve("date=2026-08-04"))).hasSize(1);
    assertThatThrownBy(() -> TickSources.bronzeFiles(lake.resolve("nope")))
        .hasMessageContaining("no Bronze folder");
  }

  @Test
  void packedLinesSplitBackIntoTheLinesAsTheyWereNumberedFromOne() {
    List<String> lines = List.of(
        "{\"symbol\":\"AAPL\",\"seq\":7}",
        "",                                   // an empty line is a line: the job quarantines it
        "not json at all: \u00fcn\u00efc\u00f6d\u00e9 \u20ac",
        "MSFT,12,1785762000000000,410.5,100.0,buy,XNAS",
        "");                                  // and so is an empty last one
    PackedLines.Builder pack = new PackedLines.Builder();
    long bytes = 0;
    for (String l : lines) {
      byte[] b = l.getBytes(StandardCharsets.UTF_8);
      pack.add(b, TickPublisher.keyOf(l), 0);
      bytes += b.length;
    }
    assertThat(pack.lines()).isEqualTo(5);
    assertThat(pack.lineBytes()).isEqualTo(bytes);
    assertThat(pack.key()).as("the first keyed line's").isEqualTo("AAPL");
    byte[] payload = pack.take();
    // The payload is the lines joined by newlines, as a slice of a Bronze file would hold them.
    assertThat(new String(payload, StandardCharsets.UTF_8)).isEqualTo(String.join("\n", lines));
    assertThat(pack.lines()).as("empty again").isZero();
    assertThat(pack.take()).isEmpty();

    List<String> split = new ArrayList<>();
    List<Integer> numbers = new ArrayList<>();
    int n = PackedLines.forEachLine(payload, (line, number) -> {
      split.add(line);
      numbers.add(number);
    });
    assertThat(split).isEqualTo(lines);
    assertThat(numbers).containsExactly(1, 2, 3, 4, 5);
    assertThat(n).isEqualTo(5).isEqualTo(PackedLines.count(payload));
    // A message of one line, as a producer that does not pack sends it, is that line.
    byte[] one = lines.get(0).getBytes(StandardCharsets.UTF_8);
    List<String> single = new ArrayList<>();
    assertThat(PackedLines.forEachLine(one, (line, number) -> single.add(number + ":" + line))).isEqualTo(1);
    assertThat(single).containsExactly("1:" + lines.get(0));
  }

  @Test
  void aPackGrowsPastItsFirstBuffer() {
    PackedLines.Builder pack = new PackedLines.Builder();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      String l = "{\"symbol\":\"S" + i + "\",\"seq\":" + i + ",\"pad\":\"" + "x".repeat(i % 50) + "\"}";
      pack.add(l.getBytes(StandardCharsets.UTF_8), null, 0);
      expected.append(i > 0 ? "\n" : "").append(l);
    }
    assertThat(pack.key()).isNull();
    assertThat(new String(pack.take(), StandardCharsets.UTF_8)).isEqualTo(expected.toString());
  }

  @Test
  void aSymbolsPartitionIsPulsarsDefaultForItsKey() {
    // Pulsar's JavaStringHash: String.hashCode with the sign bit cleared, modulo the partitions.
    // "AAPL".hashCode() is 2,001,436; "ETH-USD".hashCode() is -713,988,334, sign bit cleared
    // 1,433,495,314 (worked out with jshell).
    assertThat(TickPublisher.partitionOf("AAPL", 4)).isEqualTo(0);
    assertThat(TickPublisher.partitionOf("AAPL", 3)).isEqualTo(1);
    assertThat(TickPublisher.partitionOf("ETH-USD", 4)).isEqualTo(2);
    assertThat(TickPublisher.partitionOf("ETH-USD", 5)).isEqualTo(4);
    for (var instrument : ReferenceData.standard().instruments()) {
      assertThat(TickPublisher.partitionOf(instrument.symbol(), 1)).isZero();
    }
  }
}
