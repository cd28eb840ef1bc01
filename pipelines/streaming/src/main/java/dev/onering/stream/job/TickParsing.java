package dev.onering.stream.job;

import dev.onering.instruments.ReferenceData;
import dev.onering.ticks.ParsedTick;
import dev.onering.ticks.TickParser;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The record rules, the batch path's own {@link TickParser}: a message that fails one goes to
 * quarantine with the reason, the field and the message as received; the job carries on.
 */
public final class TickParsing extends ProcessFunction<Received, Arrival> {
  private transient TickParser parser;

  @Override
  public void open(OpenContext context) {
    parser = new TickParser(ReferenceData.standard());
  }

  @Override
  public void processElement(Received in, Context ctx, Collector<Arrival> out) {
    // The stream has no batch date: the outside-batch-date rule is the batch path's alone.
    ParsedTick parsed = parser.parse(in.payload(), null);
    if (parsed instanceof ParsedTick.Accepted a) {
      out.collect(new Arrival(a.tick(), in.payload(), in.origin(), in.receivedAtMicros()));
    } else {
      ParsedTick.Rejected r = (ParsedTick.Rejected) parsed;
      ctx.output(StreamOutputs.QUARANTINE, QuarantinedRecord.of(in, r.reason(), r.field(), r.detail()));
    }
  }
}
