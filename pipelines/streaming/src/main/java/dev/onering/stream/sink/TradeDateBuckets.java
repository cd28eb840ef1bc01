package dev.onering.stream.sink;

import dev.onering.ticks.Tick;
import java.util.function.ToLongFunction;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

/** Hive-style date folders, {@code <column>=YYYY-MM-DD}, as the batch path lays Silver out. */
public final class TradeDateBuckets<T> implements BucketAssigner<T, String> {
  /** Epoch microseconds of the element's date; must be serializable with the job graph. */
  public interface Micros<T> extends ToLongFunction<T>, java.io.Serializable {}

  private final String column;
  private final Micros<T> micros;

  public TradeDateBuckets(String column, Micros<T> micros) {
    this.column = column;
    this.micros = micros;
  }

  @Override
  public String getBucketId(T element, Context context) {
    return column + "=" + Tick.utcDate(micros.applyAsLong(element));
  }

  @Override
  public SimpleVersionedSerializer<String> getSerializer() {
    return SimpleVersionedStringSerializer.INSTANCE;
  }
}
