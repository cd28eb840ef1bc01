package dev.onering.stream.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.stream.report.StreamRunReport.Event;
import dev.onering.stream.report.StreamRunReport.Point;
import dev.onering.stream.report.StreamTimeline.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamReportTimelineTest {

  @Test
  void ratesAreTheIncreaseOverTheSecondsBetweenSamples() {
    List<Sample> samples = List.of(
        new Sample(10_000, 0, 0, 0, 0, 0, 0),
        new Sample(11_000, 15_000, 300, 120, 1, 4, 0),
        // The sampler ran 50 ms late: 15,750 ticks in 1.05 s is still 15,000/s, not a burst.
        new Sample(12_050, 30_750, 615, 246, 1, 25, 1),
        // 19 late in 0.95 s is 20/s.
        new Sample(13_000, 30_750, 615, 246, 20, 25, 1));
    List<Point> points = StreamTimeline.rates(samples);
    assertThat(points).containsExactly(
        new Point(1.0, 15_000, 300, 120, 1, 4, 0),
        // 21 quarantined in 1.05 s is 20/s; 1 alert in 1.05 s is 0.95/s, shown as 1.0.
        new Point(2.05, 15_000, 300, 120, 0, 20, 1.0),
        new Point(3.0, 0, 0, 0, 20, 0, 0));
  }

  @Test
  void ratesAreRoundedToATenth() {
    // 10 ticks in 3 s is 3.333.../s.
    List<Point> points = StreamTimeline.rates(List.of(new Sample(0, 0, 0, 0, 0, 0, 0), new Sample(3_000, 10, 0, 0, 0, 0, 0)));
    assertThat(points.get(0).ticksSent()).isEqualTo(3.3);
  }

  @Test
  void aSampleNoLaterThanTheOneBeforeIsSkipped() {
    List<Point> points = StreamTimeline.rates(List.of(
        new Sample(5_000, 0, 0, 0, 0, 0, 0),
        new Sample(6_000, 100, 0, 0, 0, 0, 0),
        new Sample(6_000, 180, 0, 0, 0, 0, 0),
        new Sample(7_000, 300, 0, 0, 0, 0, 0)));
    assertThat(points).extracting(Point::t).containsExactly(1.0, 2.0);
    assertThat(points).extracting(Point::ticksSent).containsExactly(100.0, 200.0);
  }

  @Test
  void oneSampleOrNoneGivesNoPoints() {
    assertThat(StreamTimeline.rates(List.of())).isEmpty();
    assertThat(StreamTimeline.rates(List.of(new Sample(1, 2, 3, 4, 5, 6, 7)))).isEmpty();
  }

  @Test
  void eventsAreSecondsSinceTheFirstSample() {
    StreamTimeline t = new StreamTimeline(new Sample(1_000, 0, 0, 0, 0, 0, 0));
    t.add(new Sample(2_000, 10, 0, 0, 0, 0, 0));
    t.mark(3_500, "all published");
    StreamRunReport.Timeline series = t.series();
    assertThat(series.events()).containsExactly(new Event(2.5, "all published"));
    assertThat(series.points()).containsExactly(new Point(1.0, 10, 0, 0, 0, 0, 0));
  }
}
