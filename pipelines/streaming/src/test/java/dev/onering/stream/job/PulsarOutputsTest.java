package dev.onering.stream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onering.stream.pulsar.StreamTopics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.connector.pulsar.source.enumerator.topic.TopicPartition;
import org.junit.jupiter.api.Test;

/** Where the one output sink sends each record; the topics' contents are checked in PulsarTickJobTest. */
class PulsarOutputsTest {
  private final PulsarOutputs.ByTopic router = new PulsarOutputs.ByTopic();

  /** The partitions the sink's metadata listener knows: every output topic's, in the order given. */
  private static List<TopicPartition> partitions(int each, String... topics) {
    List<TopicPartition> all = new ArrayList<>();
    for (String t : topics) {
      for (int p = 0; p < each; p++) {
        all.add(new TopicPartition(t, p));
      }
    }
    return all;
  }

  private static PulsarOutputs.Outgoing bar(String symbol) {
    BarRecord b = new BarRecord();
    b.symbol = symbol;
    return PulsarOutputs.Outgoing.bar(b);
  }

  @Test
  void aRecordGoesToItsOwnTopicAndASymbolAlwaysToTheSamePartition() {
    List<TopicPartition> known = partitions(2, StreamTopics.TICKS_QUARANTINE, StreamTopics.BARS_1M,
        StreamTopics.ALERTS, StreamTopics.TICKS_LATE);
    List<TopicPartition> shuffled = new ArrayList<>(known);
    Collections.reverse(shuffled);
    Set<Integer> used = new HashSet<>();
    for (String symbol : List.of("AAPL", "MSFT", "BTC-USDT", "ETH-USDT", "EURUSD", "NVDA")) {
      TopicPartition p = router.route(bar(symbol), symbol, known, null);
      assertThat(p.getTopic()).isEqualTo(StreamTopics.BARS_1M);
      // The list's order does not move a symbol.
      assertThat(router.route(bar(symbol), symbol, shuffled, null)).isEqualTo(p);
      used.add(p.getPartitionId());
    }
    assertThat(used).containsExactlyInAnyOrder(0, 1);

    AlertRecord alert = new AlertRecord("AAPL", "momentum_run", 0, 0, 4, 0.01, "run");
    assertThat(router.route(PulsarOutputs.Outgoing.alert(alert), "AAPL", known, null).getTopic())
        .isEqualTo(StreamTopics.ALERTS);
  }

  @Test
  void recordsWithoutAKeyTakeThePartitionsInTurn() {
    QuarantinedRecord q = new QuarantinedRecord("t@1#1", "malformed", "line", "not JSON", "x", 0);
    List<TopicPartition> known = partitions(2, StreamTopics.BARS_1M, StreamTopics.TICKS_QUARANTINE);
    List<Integer> picked = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      TopicPartition p = router.route(PulsarOutputs.Outgoing.quarantined(q), null, known, null);
      assertThat(p.getTopic()).isEqualTo(StreamTopics.TICKS_QUARANTINE);
      picked.add(p.getPartitionId());
    }
    assertThat(picked).containsExactly(0, 1, 0, 1);
  }

  @Test
  void aTopicWithoutPartitionsIsUsedWhole() {
    List<TopicPartition> known = List.of(new TopicPartition(StreamTopics.BARS_1M));
    assertThat(router.route(bar("AAPL"), "AAPL", known, null)).isEqualTo(known.get(0));
  }

  @Test
  void aTopicTheSinkDoesNotKnowIsAnErrorThatSaysWhatToDo() {
    assertThatThrownBy(() -> router.route(bar("AAPL"), "AAPL", partitions(2, StreamTopics.ALERTS), null))
        .hasMessageContaining(StreamTopics.BARS_1M).hasMessageContaining("onering stream topics");
  }
}
