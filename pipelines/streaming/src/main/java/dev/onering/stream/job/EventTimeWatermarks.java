package dev.onering.stream.job;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness, with the watermark driven by the data rather than the wall clock.
 * Flink's own generator emits on a 200 ms timer: a feed replayed faster than real time then covers
 * hours of event time between two watermarks, and which trades count as late would depend on how
 * fast the machine is. This one moves the watermark as soon as event time has advanced by
 * {@code step}, so lateness means the same at 1,000 and at 200,000 ticks per second.
 */
final class EventTimeWatermarks implements WatermarkGenerator<Received> {
  private final long boundMillis;
  private final long stepMillis;
  private long maxTimestamp = Long.MIN_VALUE;
  private long emitted = Long.MIN_VALUE;

  EventTimeWatermarks(Duration bound, Duration step) {
    this.boundMillis = bound.toMillis();
    this.stepMillis = Math.max(1, step.toMillis());
  }

  @Override
  public void onEvent(Received event, long eventTimestamp, WatermarkOutput output) {
    // A message without an event time (malformed) says nothing about the stream's progress.
    if (event.hasEventTime() && eventTimestamp > maxTimestamp) {
      maxTimestamp = eventTimestamp;
      long candidate = maxTimestamp - boundMillis - 1;
      if (emitted == Long.MIN_VALUE || candidate - emitted >= stepMillis) {
        emit(candidate, output);
      }
    }
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    if (maxTimestamp != Long.MIN_VALUE) {
      emit(maxTimestamp - boundMillis - 1, output);
    }
  }

  private void emit(long watermark, WatermarkOutput output) {
    if (watermark > emitted) {
      emitted = watermark;
      output.emitWatermark(new Watermark(watermark));
    }
  }
}
