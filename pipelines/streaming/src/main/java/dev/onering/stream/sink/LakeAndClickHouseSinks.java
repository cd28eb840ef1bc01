package dev.onering.stream.sink;

import dev.onering.lake.Lake;
import dev.onering.stream.job.AlertRecord;
import dev.onering.stream.job.BarRecord;
import dev.onering.stream.job.TickPipeline;
import dev.onering.stream.job.Arrival;
import dev.onering.stream.job.QuarantinedRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.Encoder;
import java.io.Serializable;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

/**
 * Where the job's outputs land outside Pulsar: the lake (closed bars appended to the Iceberg table
 * {@code silver.bars_1m}, late trades and quarantine as JSON lines, each committed at a checkpoint,
 * so a restart never leaves half a write visible) and ClickHouse (bar revisions and alerts,
 * upserted as they come).
 */
public final class LakeAndClickHouseSinks {
  private LakeAndClickHouseSinks() {}

  /**
   * @param lakeRoot the lake's root, a local folder or a URI Flink has a file system for
   * @param clickhouse null to leave ClickHouse out
   * @param flushMillis how often the ClickHouse writers send what they hold
   * @param barVisibility told of each batch of bars ClickHouse has taken, or null
   * @param barsTable the Iceberg table closed bars are appended to, or null to write none
   */
  public record Targets(String lakeRoot, SilverStoreTarget clickhouse, long flushMillis,
      ClickHouseUpsertSink.Visibility<BarRecord> barVisibility, SilverBarsTable barsTable) implements Serializable {

    /** No Iceberg table: the closed bars go to ClickHouse and the topics only. */
    public Targets(String lakeRoot, SilverStoreTarget clickhouse, long flushMillis,
        ClickHouseUpsertSink.Visibility<BarRecord> barVisibility) {
      this(lakeRoot, clickhouse, flushMillis, barVisibility, null);
    }
  }

  public static void attach(TickPipeline.Streams streams, Targets targets) {
    Lake lake = Lake.at(targets.lakeRoot());
    if (targets.barsTable() != null) {
      targets.barsTable().append(streams.closedBars());
    }
    jsonLines(streams.late(), Arrival::toLateJson, lake, Lake.SILVER_STREAM_LATE_TICKS,
        new TradeDateBuckets<>("trade_date", a -> a.tick().eventTimeMicros()), "lake-late");
    // Quarantine is found by when it happened: the folder is the day the message was read.
    jsonLines(streams.quarantine(), QuarantinedRecord::toJson, lake, Lake.QUARANTINE_STREAM_TICKS,
        new TradeDateBuckets<>("received_date", QuarantinedRecord::receivedAtMicros), "lake-quarantine");
    if (targets.clickhouse() != null) {
      streams.barRevisions().sinkTo(new ClickHouseUpsertSink<>(targets.clickhouse(), "silver.bars_1m",
              BarRecord::writeClickHouseRow, targets.flushMillis(), targets.barVisibility()))
          .name("clickhouse-bars").uid("clickhouse-bars");
      streams.alerts().sinkTo(new ClickHouseUpsertSink<>(targets.clickhouse(), "silver.alerts",
              AlertRecord::writeClickHouseRow, targets.flushMillis(), null))
          .name("clickhouse-alerts").uid("clickhouse-alerts");
    }
  }

  /** Renders one element as one JSON line, without the newline. */
  public interface JsonLine<T> extends Serializable {
    String render(T value);
  }

  private static <T> void jsonLines(DataStream<T> values, JsonLine<T> render, Lake lake, String table,
      TradeDateBuckets<T> buckets, String uid) {
    Encoder<T> encoder = (value, out) -> {
      out.write(render.render(value).getBytes(StandardCharsets.UTF_8));
      out.write('\n');
    };
    values.sinkTo(FileSink.forRowFormat(path(lake, table), encoder)
            .withBucketAssigner(buckets)
            .withRollingPolicy(OnCheckpointRollingPolicy.build())
            .withOutputFileConfig(files(".jsonl"))
            .build())
        .name(uid).uid(uid);
  }

  private static Path path(Lake lake, String table) {
    return new Path(lake.isLocal() ? lake.path(table).toUri().toString() : lake.uri(table));
  }

  private static OutputFileConfig files(String suffix) {
    return OutputFileConfig.builder().withPartPrefix("part").withPartSuffix(suffix).build();
  }
}
