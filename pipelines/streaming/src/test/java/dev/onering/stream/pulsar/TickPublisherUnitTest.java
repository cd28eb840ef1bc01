package dev.onering.stream.pulsar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onering.instruments.ReferenceData;
import dev.onering.simulator.MarketSimulator;
import dev.onering.simulator.SimulationConfig;
import dev.onering.ticks.ParsedTick;
import dev.onering.ticks.TickParser;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
