package dev.onering.stream.report;

import dev.onering.stream.report.StreamRunReport.Event;
import dev.onering.stream.report.StreamRunReport.Point;
import dev.onering.stream.report.StreamRunReport.Timeline;
import java.util.ArrayList;
import java.util.List;

/**
 * The run's counters sampled over time (the demo samples on its 1 s progress tick), turned into a
 * per-second series for the report. Thread-safe: the progress thread samples while the main thread
 * marks events.
 */
public final class StreamTimeline {

  /** The cumulative counters at one instant (epoch milliseconds). */
  public record Sample(
      long atMillis, long ticksSent, long barUpdates, long closedBars, long late, long quarantined, long alerts) {}

  private final long startMillis;
  private final List<Sample> samples = new ArrayList<>();
  private final List<Event> events = new ArrayList<>();

  /** @param start the counters at time zero */
  public StreamTimeline(Sample start) {
    this.startMillis = start.atMillis();
    samples.add(start);
  }

  public synchronized void add(Sample s) {
    samples.add(s);
  }

  public synchronized void mark(long atMillis, String label) {
    events.add(new Event(seconds(atMillis - startMillis), label));
  }

  public synchronized Timeline series() {
    return new Timeline(rates(samples), List.copyOf(events));
  }

  /**
   * One point per sample after the first: each counter's increase since the previous sample divided
   * by the seconds between them, so a late tick of the sampler does not show as a burst. A sample no
   * later than the one before it (a clock step) is skipped.
   */
  static List<Point> rates(List<Sample> samples) {
    List<Point> out = new ArrayList<>();
    if (samples.isEmpty()) {
      return out;
    }
    long t0 = samples.get(0).atMillis();
    Sample prev = samples.get(0);
    for (Sample s : samples.subList(1, samples.size())) {
      long dt = s.atMillis() - prev.atMillis();
      if (dt <= 0) {
        continue;
      }
      double per = 1000.0 / dt;
      out.add(new Point(seconds(s.atMillis() - t0),
          rate(s.ticksSent() - prev.ticksSent(), per), rate(s.barUpdates() - prev.barUpdates(), per),
          rate(s.closedBars() - prev.closedBars(), per), rate(s.late() - prev.late(), per),
          rate(s.quarantined() - prev.quarantined(), per), rate(s.alerts() - prev.alerts(), per)));
      prev = s;
    }
    return out;
  }

  /** Rounded to 0.1/s: finer than any chart shows, and it keeps the JSON short. */
  private static double rate(long delta, double perSecond) {
    return Math.round(delta * perSecond * 10) / 10.0;
  }

  private static double seconds(long ms) {
    return ms / 1000.0;
  }
}
