package dev.onering.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.instruments.AssetClass;
import dev.onering.instruments.ReferenceData;
import dev.onering.instruments.TradingCalendar;
import dev.onering.ticks.ParsedTick;
import dev.onering.ticks.RejectReason;
import dev.onering.ticks.Tick;
import dev.onering.ticks.TickParser;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MarketSimulatorTest {

  private static final ReferenceData REF = ReferenceData.standard();

  private static SimulationConfig small(double defectScale) {
    return SimulationConfig.defaults()
        .withSize(8, 10, 400)
        .withDefectRates(SimulationConfig.defaultRates(defectScale));
  }

  private static List<MarketSimulator.Day> run(SimulationConfig c) throws Exception {
    List<MarketSimulator.Day> days = new ArrayList<>();
    new MarketSimulator(c, REF).run(days::add);
    return days;
  }

  @Test
  void sameSeedSameBytesOtherSeedOtherData() throws Exception {
    List<MarketSimulator.Day> a = run(small(1));
    List<MarketSimulator.Day> b = run(small(1));
    List<MarketSimulator.Day> c = run(small(1).withSeed(7));
    assertThat(a).hasSameSizeAs(b);
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i).lines()).isEqualTo(b.get(i).lines());
    }
    assertThat(a.get(1).lines()).isNotEqualTo(c.get(1).lines());
  }

  @Test
  void truthHasStrictContiguousSeqPerSymbolAndRespectsCalendars() throws Exception {
    Map<String, Long> lastSeq = new HashMap<>();
    for (MarketSimulator.Day day : run(small(0))) {
      for (Tick t : day.truth()) {
        assertThat(t.tradeDate()).isEqualTo(day.date());
        var instrument = REF.find(t.symbol()).orElseThrow();
        var session = TradingCalendar.of(instrument.assetClass()).session(day.date());
        assertThat(session).as("%s trades on %s", t.symbol(), day.date()).isPresent();
        assertThat(t.eventTimeMicros()).isBetween(session.get().openMicros(), session.get().closeMicros() - 1);
        assertThat(t.price()).isPositive();
        assertThat(t.size()).isPositive();
        if (instrument.assetClass() == AssetClass.EQUITY) {
          assertThat(t.size()).isEqualTo(Math.rint(t.size()));
        }
      }
      // Within a symbol, seq order is event-time order and has no gaps.
      Map<String, List<Tick>> bySymbol = new HashMap<>();
      day.truth().forEach(t -> bySymbol.computeIfAbsent(t.symbol(), k -> new ArrayList<>()).add(t));
      bySymbol.forEach(
          (s, ticks) -> {
            ticks.sort(java.util.Comparator.comparingLong(Tick::seq));
            long expected = lastSeq.getOrDefault(s, 0L) + 1;
            for (Tick t : ticks) {
              assertThat(t.seq()).isEqualTo(expected++);
            }
            for (int i = 1; i < ticks.size(); i++) {
              assertThat(ticks.get(i).eventTimeMicros()).isGreaterThanOrEqualTo(ticks.get(i - 1).eventTimeMicros());
            }
            lastSeq.put(s, expected - 1);
          });
    }
  }

  @Test
  void withoutDefectsBronzeIsTheTruthInEventOrder() throws Exception {
    for (MarketSimulator.Day day : run(small(0))) {
      List<String> expected = day.truth().stream().map(Tick::toJson).toList();
      assertThat(day.lines()).isEqualTo(expected);
    }
  }

  @Test
  void everyCleanTickIsEmittedAndRecordLevelDefectsMatchTheParser() throws Exception {
    SimulationConfig config = small(10);
    List<MarketSimulator.Day> days = new ArrayList<>();
    Manifest manifest = new MarketSimulator(config, REF).run(days::add);
    TickParser parser = new TickParser(REF);
    Map<RejectReason, Long> rejected = new EnumMap<>(RejectReason.class);
    long accepted = 0;
    for (MarketSimulator.Day day : days) {
      Set<String> emitted = new HashSet<>(day.lines());
      for (Tick t : day.truth()) {
        assertThat(emitted).contains(t.toJson());
      }
      for (String line : day.lines()) {
        ParsedTick p = parser.parse(line, day.date());
        if (p instanceof ParsedTick.Rejected r) {
          rejected.merge(r.reason(), 1L, Long::sum);
        } else {
          accepted++;
        }
      }
    }
    // The parser sees each record alone; spikes and duplicates need the batch rules.
    for (RejectReason reason :
        List.of(RejectReason.NULL_PRICE, RejectReason.NON_POSITIVE_PRICE, RejectReason.NULL_SIZE,
            RejectReason.NON_POSITIVE_SIZE, RejectReason.UNKNOWN_SYMBOL, RejectReason.MALFORMED_JSON)) {
      assertThat(rejected.getOrDefault(reason, 0L)).as(reason.code()).isEqualTo(manifest.expectedQuarantine(reason));
      assertThat(manifest.expectedQuarantine(reason)).as(reason.code()).isPositive();
    }
    long perRecordRejects = rejected.values().stream().mapToLong(Long::longValue).sum();
    assertThat(accepted + perRecordRejects).isEqualTo(manifest.lines());
    assertThat(accepted)
        .isEqualTo(manifest.cleanTicks() + manifest.defects().get("duplicate") + manifest.defects().get("spike"));
  }

  @Test
  void defectCountsFollowTheirRates() throws Exception {
    Manifest m = new MarketSimulator(small(10), REF).run(d -> {});
    for (Defect d : Defect.values()) {
      double expected = m.cleanTicks() * d.defaultRate() * 10;
      // Binomial counts: within 5 standard deviations of the mean.
      double tolerance = 5 * Math.sqrt(expected) + 1;
      assertThat((double) m.defects().get(d.code())).as(d.code()).isBetween(expected - tolerance, expected + tolerance);
    }
  }

  @Test
  void dailyPricesStayInsideTheSpikeBand() throws Exception {
    // The spike rule relies on natural moves never leaving the 3x band around the day's median.
    for (MarketSimulator.Day day : run(small(0).withSize(24, 30, 300))) {
      Map<String, double[]> range = new HashMap<>();
      for (Tick t : day.truth()) {
        range.merge(t.symbol(), new double[] {t.price(), t.price()},
            (x, y) -> new double[] {Math.min(x[0], y[0]), Math.max(x[1], y[1])});
      }
      range.forEach((s, r) -> assertThat(r[1] / r[0]).as("%s on %s", s, day.date()).isLessThan(1.5));
    }
  }

  @Test
  void startDateAndSizeAreHonoured() throws Exception {
    List<MarketSimulator.Day> days = run(small(0).withStartDate(LocalDate.of(2026, 9, 5)).withSize(3, 2, 50));
    assertThat(days).extracting(MarketSimulator.Day::date)
        .containsExactly(LocalDate.of(2026, 9, 5), LocalDate.of(2026, 9, 6));
    // 2026-09-05 is a Saturday: only the crypto symbol among the three trades.
    assertThat(days.get(0).truth()).extracting(Tick::symbol).containsOnly("BTC-USDT");
  }
}
