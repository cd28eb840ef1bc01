package dev.onering.stream.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onering.bars.MinuteBar;
import dev.onering.bars.MinuteBars;
import dev.onering.lake.Lake;
import dev.onering.stream.sink.SilverBarsTable;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import dev.onering.pipeline.Json;
import dev.onering.serving.clickhouse.ChDb;
import dev.onering.serving.clickhouse.ChDbHttpFront;
import dev.onering.serving.clickhouse.ChangelogApplier;
import dev.onering.serving.clickhouse.ClickHouseHttp;
import dev.onering.serving.clickhouse.SilverStore;
import dev.onering.simulator.SimulationConfig;
import dev.onering.stream.StreamEnv;
import dev.onering.stream.pulsar.PulsarBrokerExtension;
import dev.onering.stream.pulsar.StreamTopics;
import dev.onering.stream.pulsar.TickPublisher;
import dev.onering.stream.pulsar.TickSources;
import dev.onering.stream.sink.SilverStoreTarget;
import dev.onering.ticks.Tick;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stack's deployment path without the stack: {@link StreamJob#main} itself, as Flink's REST
 * API calls it, on a MiniCluster with parallelism 2 (the session cluster's), reading a real broker
 * and upserting into ClickHouse through the server's HTTP protocol ({@link ChDbHttpFront}: the
 * protocol in front of the real engine), bounded so it ends. What ClickHouse holds is checked
 * against the batch path's bars of the same lines.
 *
 * <p>A broker of its own: the job reads the fixed ticks topic, which PulsarTickJobTest publishes to
 * on the shared broker.
 */
class StreamJobServerTest {
  @RegisterExtension static final PulsarBrokerExtension PULSAR = PulsarBrokerExtension.perClass();

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  static EmbeddedPostgres catalogDb;

  @BeforeAll
  static void startCatalogDb() throws IOException {
    catalogDb = EmbeddedPostgres.start();
  }

  @AfterAll
  static void stopCatalogDb() throws IOException {
    catalogDb.close();
  }

  @Test
  void theEntryPointReadsPulsarAndUpsertsBarsIntoTheClickHouseServer(@TempDir Path lake, @TempDir Path chdb)
      throws Exception {
    SimulationConfig config = SimulationConfig.defaults().withSize(4, 1, 2_000)
        .withStartDate(LocalDate.of(2026, 9, 3)).withDefectRates(SimulationConfig.defaultRates(5));
    SimulatedFeed feed = SimulatedFeed.of(config);
    StreamTopics.ensure(PULSAR.admin());
    try (TickPublisher publisher = TickPublisher.open(PULSAR.client(), TickPublisher.Settings.defaults())) {
      assertThat(publisher.publish(TickSources.simulator(config)).ticks()).isEqualTo(feed.messages().size());
    }

    // The task's writers take the user and password from their environment, as the stack's task manager
    // does; this JVM's are ClickHouse's defaults unless set, and the front expects the same.
    StreamEnv env = StreamEnv.system();
    try (ChDb engine = ChDb.open(chdb);
        ChDbHttpFront front = ChDbHttpFront.start(engine, env.get(StreamEnv.CLICKHOUSE_USER, ClickHouseHttp.USER_DEFAULT),
            env.get(StreamEnv.CLICKHOUSE_PASSWORD, ""));
        SilverStore server = SilverStoreTarget.server(front.url()).open(env)) {
      server.migrate(ChangelogApplier.locateDefaultChangelog());

      StreamJob.main(new String[] {
          "--service-url", PULSAR.serviceUrl(), "--admin-url", PULSAR.adminUrl(),
          "--lake", lake.toString(), "--clickhouse", front.url().toString(),
          "--catalog-url", catalogDb.getJdbcUrl("postgres", "postgres"), "--catalog-user", "postgres",
          "--checkpoint-interval", "500ms", "--flush-interval", "100ms", "--bounded"});

      // Late trades are the lake's, every other kept trade is in its bar (as StreamBatchParityTest
      // shows on a single-partition source); the bars in ClickHouse are the batch path's bars of those.
      Set<String> late = new HashSet<>();
      for (String line : ExactlyOnceRestartTest.lines(lake.resolve(Lake.SILVER_STREAM_LATE_TICKS))) {
        JsonNode trade = Json.MAPPER.readTree(line).get("trade");
        late.add(trade.get("symbol").asText() + "#" + trade.get("seq").asLong());
      }
      List<Tick> onTime = feed.batchKept().stream().filter(t -> !late.contains(t.symbol() + "#" + t.seq())).toList();
      assertThat(onTime).as("every late trade is a kept trade").hasSize(feed.batchKept().size() - late.size());
      List<MinuteBar> expected = StreamBatchParityTest.sorted(MinuteBars.of(onTime));

      List<MinuteBar> inClickHouse = SimulatedFeed.barsIn(server);
      assertThat(inClickHouse).isNotEmpty().isEqualTo(expected);
      // They came over HTTP, as JSONEachRow bodies, from the job's writers.
      assertThat(front.statements()).contains("INSERT INTO silver.bars_1m FORMAT JSONEachRow");

      // The lake has the closed bars in the Iceberg table, in the catalog named on the command line,
      // and every rejected line.
      assertThat(ExactlyOnceRestartTest.tableBars(new SilverBarsTable(SilverBarsTable.CATALOG_NAME,
              catalogDb.getJdbcUrl("postgres", "postgres"), "postgres", lake.toString())))
          .isEqualTo(expected.stream().map(ExactlyOnceRestartTest::line).sorted().toList());
      assertThat(ExactlyOnceRestartTest.lines(lake.resolve(Lake.QUARANTINE_STREAM_TICKS)))
          .hasSize(feed.batchQuarantine().size());
    }
  }
}
