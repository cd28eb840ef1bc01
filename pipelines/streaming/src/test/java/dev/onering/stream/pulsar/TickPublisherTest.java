package dev.onering.stream.pulsar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.instruments.ReferenceData;
import dev.onering.lake.Lake;
import dev.onering.simulator.BronzeWriter;
import dev.onering.simulator.Defect;
import dev.onering.simulator.MarketSimulator;
import dev.onering.simulator.SimulationConfig;
import dev.onering.ticks.ParsedTick;
import dev.onering.ticks.RejectReason;
import dev.onering.ticks.TickParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Publishing to a real broker and reading back with a plain consumer, partition by partition. */
class TickPublisherTest {
  @RegisterExtension static final PulsarBrokerExtension PULSAR = PulsarBrokerExtension.shared();
  private static final AtomicInteger TOPICS = new AtomicInteger();
  private static final int PARTITIONS = 4;

  /** Two days, all 24 symbols, defects at 10x so every kind shows up, malformed lines included. */
  static final SimulationConfig SMALL = SimulationConfig.defaults()
      .withSize(24, 2, 120)
      .withDefectRates(SimulationConfig.defaultRates(10));

  static List<String> simulatorLines;

  @BeforeAll
  static void simulate() throws Exception {
    List<String> lines = new ArrayList<>();
    new MarketSimulator(SMALL, ReferenceData.standard()).run(day -> lines.addAll(day.lines()));
    simulatorLines = List.copyOf(lines);
    TickParser parser = new TickParser(ReferenceData.standard());
    assertThat(simulatorLines)
        .as("the dataset must hold malformed lines for the test to mean anything")
        .anyMatch(l -> parser.parse(l, null) instanceof ParsedTick.Rejected r && r.reason() == RejectReason.MALFORMED_JSON);
  }

  /** A fresh partitioned topic, so tests sharing the broker do not read each other's messages. */
  private static String freshTopic() throws Exception {
    StreamTopics.ensure(PULSAR.admin());
    String topic = StreamTopics.topic("ticks-test-" + TOPICS.incrementAndGet());
    PULSAR.admin().topics().createPartitionedTopic(topic, PARTITIONS);
    return topic;
  }

  @Test
  void everySimulatorLineArrivesOnceAndEachSymbolKeepsItsOrder() throws Exception {
    everyLineArrivesOnceInItsSymbolsPartitionInOrder(TickPublisher.Settings.LINES_PER_MESSAGE_DEFAULT);
  }

  @Test
  void oneLinePerMessageKeepsTheSameGuarantees() throws Exception {
    everyLineArrivesOnceInItsSymbolsPartitionInOrder(1);
  }

  private void everyLineArrivesOnceInItsSymbolsPartitionInOrder(int linesPerMessage) throws Exception {
    String topic = freshTopic();
    TickPublisher.Result result;
    long messages;
    try (TickPublisher publisher = TickPublisher.open(PULSAR.client(),
        TickPublisher.Settings.defaults().withTopic(topic).withLinesPerMessage(linesPerMessage))) {
      result = publisher.publish(TickSources.simulator(SMALL));
      messages = publisher.acknowledgedMessages();
    }

    assertThat(result.ticks()).isEqualTo(simulatorLines.size());
    assertThat(result.bytes()).isEqualTo(simulatorLines.stream().mapToLong(l -> l.getBytes(StandardCharsets.UTF_8).length).sum());

    Map<Integer, List<Message<byte[]>>> byPartition = readAll(topic, simulatorLines.size());
    assertThat(byPartition.values().stream().mapToLong(List::size).sum()).isEqualTo(messages);
    if (linesPerMessage == 1) {
      assertThat(messages).isEqualTo(simulatorLines.size());
    } else {
      // Published as fast as the broker takes them, messages fill up (by how much depends on the machine).
      assertThat(messages).isLessThan(simulatorLines.size() / 2);
    }
    List<String> received = new ArrayList<>();
    byPartition.values().forEach(ms -> ms.forEach(m -> received.addAll(lines(m))));
    assertThat(received).containsExactlyInAnyOrderElementsOf(simulatorLines);

    Map<String, List<String>> receivedBySymbol = new LinkedHashMap<>();
    byPartition.forEach((partition, ms) -> {
      for (Message<byte[]> m : ms) {
        List<String> lines = lines(m);
        assertThat(lines).hasSizeBetween(1, linesPerMessage);
        String firstKey = lines.stream().map(TickPublisher::keyOf).filter(k -> k != null).findFirst().orElse(null);
        assertThat(m.hasKey() ? m.getKey() : null).as("key of %s", lines).isEqualTo(firstKey);
        for (String line : lines) {
          String key = TickPublisher.keyOf(line);
          if (key != null) {
            assertThat(TickPublisher.partitionOf(key, PARTITIONS)).as("partition of %s", key).isEqualTo(partition);
            receivedBySymbol.computeIfAbsent(key, k -> new ArrayList<>()).add(line);
          }
        }
      }
    });
    Map<String, List<String>> sentBySymbol = new LinkedHashMap<>();
    for (String line : simulatorLines) {
      String key = TickPublisher.keyOf(line);
      if (key != null) {
        sentBySymbol.computeIfAbsent(key, k -> new ArrayList<>()).add(line);
      }
    }
    assertThat(receivedBySymbol.keySet()).containsExactlyInAnyOrderElementsOf(sentBySymbol.keySet());
    sentBySymbol.forEach((symbol, lines) -> assertThat(receivedBySymbol.get(symbol)).as(symbol).isEqualTo(lines));
    assertThat(byPartition.keySet()).as("24 symbols spread over the partitions").hasSizeGreaterThan(1);
  }

  @Test
  void pulsarsDefaultRouterPutsEachSymbolWhereThePublisherDoes() throws Exception {
    // A producer that does not pack, with Pulsar's default routing (the stack's ingestors): the job
    // must find each symbol in one partition whichever of the two sent it.
    String topic = freshTopic();
    Map<String, String> lineOfSymbol = new LinkedHashMap<>();
    for (String line : simulatorLines) {
      String key = TickPublisher.keyOf(line);
      if (key != null && line.startsWith("{")) {
        lineOfSymbol.putIfAbsent(key, line);
      }
    }
    assertThat(lineOfSymbol).as("the 24 symbols, and the defects' unknown ones").hasSizeGreaterThanOrEqualTo(24);
    try (Producer<byte[]> plain = PULSAR.client().newProducer(Schema.BYTES).topic(topic).create()) {
      for (var e : lineOfSymbol.entrySet()) {
        plain.newMessage().key(e.getKey()).value(e.getValue().getBytes(StandardCharsets.UTF_8)).send();
      }
    }
    readAll(topic, lineOfSymbol.size()).forEach((partition, ms) -> ms.forEach(m ->
        assertThat(TickPublisher.partitionOf(m.getKey(), PARTITIONS)).as(m.getKey()).isEqualTo(partition)));
  }

  @Test
  void malformedLinesArriveByteForByte() throws Exception {
    String topic = freshTopic();
    List<String> lines = List.of(
        "{\"symbol\":\"AAPL\",\"seq\":7,\"event_time\":1785",                       // cut short
        "MSFT,12,1785762000000000,410.5,100.0,buy,XNAS",                              // CSV in the JSON feed
        "{\"symbol\":\"NVDA\",\"seq\":1,\"event_time\":1785762000000000,\"price\":null,\"size\":1.0,\"side\":\"buy\",\"exchange\":\"XNAS\"}",
        "not json at all: ünïcödé",
        "");
    try (TickPublisher publisher = TickPublisher.open(PULSAR.client(), TickPublisher.Settings.defaults().withTopic(topic))) {
      for (String l : lines) {
        publisher.send(l);
      }
      assertThat(publisher.finish().ticks()).isEqualTo(lines.size());
    }
    List<String> received = new ArrayList<>();
    List<byte[]> payloads = new ArrayList<>();
    readAll(topic, lines.size()).values().forEach(ms -> ms.forEach(m -> {
      payloads.add(m.getValue());
      received.addAll(lines(m));
    }));
    assertThat(received).containsExactlyInAnyOrderElementsOf(lines);
    // Bytes for bytes: the line's UTF-8 is in the payload as it was, between newlines.
    byte[] unicode = lines.get(3).getBytes(StandardCharsets.UTF_8);
    assertThat(payloads).anySatisfy(p -> assertThat(indexOf(p, unicode)).isNotNegative());
  }

  @Test
  void bronzeFilesPublishTheSameLinesAsTheSimulatorAndTheTimelineFollowsEventTime(@TempDir Path tmp) throws Exception {
    SimulationConfig oneDay = SMALL.withSize(6, 1, 300).withMaxLinesPerFile(500);
    List<String> expected = new ArrayList<>();
    BronzeWriter writer = new BronzeWriter(Lake.at(tmp), oneDay.maxLinesPerFile(), null);
    new MarketSimulator(oneDay, ReferenceData.standard()).run(day -> {
      writer.accept(day);
      expected.addAll(day.lines());
    });
    assertThat(writer.written()).as("several part files, read in order").hasSizeGreaterThan(1);

    String topic = freshTopic();
    Path timelineFile = tmp.resolve("timeline.json");
    try (TickPublisher publisher = TickPublisher.open(PULSAR.client(), TickPublisher.Settings.defaults().withTopic(topic))) {
      assertThat(publisher.publish(TickSources.bronze(tmp)).ticks()).isEqualTo(expected.size());
      publisher.writeTimeline(timelineFile);
    }
    List<String> received = new ArrayList<>();
    readAll(topic, expected.size()).values().forEach(ms -> ms.forEach(m -> received.addAll(lines(m))));
    assertThat(received).containsExactlyInAnyOrderElementsOf(expected);

    var timeline = PublishTimeline.read(timelineFile);
    assertThat(timeline).isNotEmpty();
    long previousSent = 0;
    for (var e : timeline.entrySet()) {
      assertThat(e.getKey() % PublishTimeline.MINUTE_MICROS).isZero();
      assertThat(e.getValue()).isGreaterThanOrEqualTo(previousSent);
      previousSent = e.getValue();
    }
    // The first valid tick's minute opens the timeline; its last minute is the last valid tick's.
    TickParser parser = new TickParser(ReferenceData.standard());
    List<Long> valid = expected.stream().map(l -> parser.parse(l, null))
        .filter(p -> p instanceof ParsedTick.Accepted).map(p -> ((ParsedTick.Accepted) p).tick().eventTimeMicros()).toList();
    assertThat(timeline.firstKey()).isEqualTo(Math.floorDiv(valid.get(0), PublishTimeline.MINUTE_MICROS) * PublishTimeline.MINUTE_MICROS);
    long maxMinute = Math.floorDiv(valid.stream().mapToLong(Long::longValue).max().orElseThrow(), PublishTimeline.MINUTE_MICROS)
        * PublishTimeline.MINUTE_MICROS;
    assertThat(timeline.lastKey()).isEqualTo(maxMinute);
  }

  @Test
  void aRateLimitPacesTheSends() throws Exception {
    String topic = freshTopic();
    List<String> lines = simulatorLines.subList(0, 300);
    long t0 = System.nanoTime();
    TickPublisher.Result result;
    try (TickPublisher publisher = TickPublisher.open(PULSAR.client(),
        TickPublisher.Settings.defaults().withTopic(topic).withRate(1_000))) {
      result = publisher.publish(sink -> {
        for (String l : lines) {
          sink.accept(l);
        }
      });
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertThat(result.ticks()).isEqualTo(300);
    // 300 ticks at 1,000/s: the last is due at 0.299 s.
    assertThat(seconds).isGreaterThan(0.28);
    assertThat(result.ticksPerSecond()).isLessThan(1_100);
  }

  /** Reads each partition with its own consumer until {@code expected} lines arrived in all. */
  private static Map<Integer, List<Message<byte[]>>> readAll(String topic, int expected) throws Exception {
    Map<Integer, List<Message<byte[]>>> out = new LinkedHashMap<>();
    int total = 0;
    List<Consumer<byte[]>> consumers = new ArrayList<>();
    try {
      for (int p = 0; p < PARTITIONS; p++) {
        consumers.add(PULSAR.client().newConsumer(Schema.BYTES).topic(topic + "-partition-" + p)
            .subscriptionName("read-back").subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe());
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      boolean quiet = false;
      while ((total < expected || !quiet) && System.nanoTime() < deadline) {
        quiet = true;
        for (int p = 0; p < PARTITIONS; p++) {
          Message<byte[]> m;
          while ((m = consumers.get(p).receive(total < expected ? 100 : 500, TimeUnit.MILLISECONDS)) != null) {
            out.computeIfAbsent(p, k -> new ArrayList<>()).add(m);
            consumers.get(p).acknowledge(m);
            total += lines(m).size();
            quiet = false;
          }
        }
      }
    } finally {
      for (Consumer<byte[]> c : consumers) {
        c.close();
      }
    }
    assertThat(total).as("lines read back from " + topic).isEqualTo(expected);
    return out;
  }

  /** A message's lines, split here with String.split rather than the job's splitter. */
  private static List<String> lines(Message<byte[]> m) {
    return List.of(new String(m.getValue(), StandardCharsets.UTF_8).split("\n", -1));
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
