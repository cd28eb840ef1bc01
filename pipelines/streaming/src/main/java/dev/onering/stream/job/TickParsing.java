package dev.onering.stream.job;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Splits what the record rules (the batch path's own {@link dev.onering.ticks.TickParser}, applied
 * as each message is read: {@link Received#parse}) made of each message: a trade goes on, a
 * rejected line goes to quarantine with the reason, the field and the message as received; the
 * job carries on.
 */
public final class TickParsing extends ProcessFunction<Received, Arrival> {
  @Override
  public void processElement(Received in, Context ctx, Collector<Arrival> out) {
    if (in.tick() != null) {
      out.collect(new Arrival(in.tick(), in.payload(), in.origin(), in.partition(), in.publishedAtMicros(),
          in.receivedAtMicros(), in.message()));
    } else {
      ctx.output(StreamOutputs.QUARANTINE,
          QuarantinedRecord.of(in, in.rejectReason(), in.rejectField(), in.rejectDetail()));
    }
  }
}
