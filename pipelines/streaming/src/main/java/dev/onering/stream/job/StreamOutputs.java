package dev.onering.stream.job;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/** The side outputs of the job: nothing it reads is dropped, it ends in one of these or in a bar. */
public final class StreamOutputs {
  private StreamOutputs() {}

  /** Messages a cleaning rule rejected, with the reason. */
  public static final OutputTag<QuarantinedRecord> QUARANTINE =
      new OutputTag<>("quarantine", TypeInformation.of(QuarantinedRecord.class));

  /** Valid trades that arrived after their minute had closed (window end + allowed lateness). */
  public static final OutputTag<Arrival> LATE = new OutputTag<>("late", TypeInformation.of(Arrival.class));
}
