package dev.onering.simulator;

import dev.onering.instruments.AssetClass;
import dev.onering.instruments.Instrument;
import dev.onering.instruments.ReferenceData;
import dev.onering.instruments.TradingCalendar;
import dev.onering.pipeline.JsonLineWriter;
import dev.onering.ticks.Tick;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A deterministic market: the same config gives the same ticks, byte for byte.
 *
 * <p>Each symbol's log price follows a mean-reverting random walk (Ornstein-Uhlenbeck towards an
 * anchor that itself drifts), with calm and volatile regimes that switch between days, overnight
 * gaps for equities and a bid-ask bounce on each print. Trade times follow an intraday volume
 * profile: a U shape over the equity session, a daily swell for crypto.
 *
 * <p>Symbols are simulated in parallel, each with its own random stream, so the output does not
 * depend on thread scheduling. Defects are injected per day from a stream seeded by the date.
 */
public final class MarketSimulator {

  /** One simulated day: the clean truth and the Bronze lines in arrival order. */
  public record Day(LocalDate date, List<Tick> truth, List<String> lines, Map<Defect, Long> defects) {}

  @FunctionalInterface
  public interface DaySink {
    void accept(Day day) throws Exception;
  }

  /** Symbols that are not in the reference set, for the unknown-symbol defect. */
  static final List<String> UNKNOWN_SYMBOLS = List.of("ZZZT", "APPL", "BTC-USDX", "MSFT.OLD", "TEST1");

  private static final long SECOND = 1_000_000L;

  private final SimulationConfig config;
  private final List<Instrument> instruments;
  private final ReferenceData reference;

  public MarketSimulator(SimulationConfig config, ReferenceData reference) {
    this.config = config;
    this.reference = reference;
    this.instruments = reference.select(config.symbols());
  }

  public List<Instrument> instruments() {
    return instruments;
  }

  /** Simulates every day in order, handing each to the sink, and returns the counts. */
  public Manifest run(DaySink sink) throws Exception {
    double meanActivity =
        instruments.stream().mapToDouble(i -> reference.profile(i.symbol()).activity()).average().orElse(1);
    List<SymbolPath> paths = new ArrayList<>();
    for (Instrument instrument : instruments) {
      paths.add(new SymbolPath(instrument, reference.profile(instrument.symbol()), meanActivity, config));
    }
    Manifest.Builder manifest = Manifest.builder(config, instruments);
    for (int d = 0; d < config.days(); d++) {
      LocalDate date = config.startDate().plusDays(d);
      List<Tick> truth =
          paths.parallelStream().flatMap(p -> p.simulate(date).stream()).sorted(ARRIVAL_ORDER).toList();
      Day day = injectDefects(date, truth);
      manifest.add(day);
      sink.accept(day);
    }
    return manifest.build();
  }

  private static final Comparator<Tick> ARRIVAL_ORDER =
      Comparator.comparingLong(Tick::eventTimeMicros).thenComparing(Tick::symbol).thenComparingLong(Tick::seq);

  private Day injectDefects(LocalDate date, List<Tick> truth) {
    SplittableRandom rng = new SplittableRandom(config.seed() * 31 + date.toEpochDay());
    Map<Defect, Double> rates = config.defectRates();
    Map<Defect, Long> counts = new EnumMap<>(Defect.class);
    for (Defect d : Defect.values()) {
      counts.put(d, 0L);
    }
    long dayStart = Tick.startOfDayMicros(date);
    long dayEnd = dayStart + 86_400L * SECOND - 1;

    // Extra records come from at most one defect per clean tick; the thresholds partition [0, 1).
    Defect[] extras = {
      Defect.DUPLICATE, Defect.NULL_PRICE, Defect.NON_POSITIVE_PRICE, Defect.NULL_SIZE,
      Defect.NON_POSITIVE_SIZE, Defect.SPIKE, Defect.UNKNOWN_SYMBOL, Defect.MALFORMED
    };
    double[] upTo = new double[extras.length];
    double acc = 0;
    for (int i = 0; i < extras.length; i++) {
      acc += rates.get(extras[i]);
      upTo[i] = acc;
    }
    double late = rates.get(Defect.LATE);
    double outOfOrder = rates.get(Defect.OUT_OF_ORDER);

    List<Emitted> emitted = new ArrayList<>(truth.size() + truth.size() / 50 + 16);
    JsonLineWriter json = new JsonLineWriter();
    StringBuilder sb = new StringBuilder(160);
    for (Tick t : truth) {
      long arrival = t.eventTimeMicros();
      double u = rng.nextDouble();
      if (u < late) {
        // Minutes late: beyond any reasonable watermark, so streaming must keep it in a side output.
        arrival += rng.nextLong(180 * SECOND, 600 * SECOND);
        counts.merge(Defect.LATE, 1L, Long::sum);
      } else if (u < late + outOfOrder) {
        arrival += rng.nextLong(SECOND, 20 * SECOND);
        counts.merge(Defect.OUT_OF_ORDER, 1L, Long::sum);
      }
      arrival = Math.min(arrival, dayEnd);
      sb.setLength(0);
      String line = json.append(sb, t::writeFields).toString();
      emitted.add(new Emitted(arrival, emitted.size(), line));

      double v = rng.nextDouble();
      if (v >= acc) {
        continue;
      }
      int k = 0;
      while (v >= upTo[k]) {
        k++;
      }
      Defect defect = extras[k];
      counts.merge(defect, 1L, Long::sum);
      String extra =
          switch (defect) {
            case DUPLICATE -> line;
            case NULL_PRICE -> defective(json, sb, t, null, t.size());
            case NON_POSITIVE_PRICE -> defective(json, sb, t, rng.nextBoolean() ? 0.0 : -t.price(), t.size());
            case NULL_SIZE -> defective(json, sb, t, t.price(), null);
            case NON_POSITIVE_SIZE -> defective(json, sb, t, t.price(), rng.nextBoolean() ? 0.0 : -t.size());
            // A misplaced decimal point, the classic fat finger.
            case SPIKE -> defective(json, sb, t, rng.nextBoolean() ? t.price() * 10 : t.price() / 10, t.size());
            case UNKNOWN_SYMBOL ->
                new Tick(
                        UNKNOWN_SYMBOLS.get(rng.nextInt(UNKNOWN_SYMBOLS.size())),
                        rng.nextLong(1, 1_000_000),
                        t.eventTimeMicros(),
                        t.price(),
                        t.size(),
                        t.side(),
                        t.exchange())
                    .toJson();
            case MALFORMED -> malformed(t, line, rng);
            default -> throw new IllegalStateException(defect.name());
          };
      long extraArrival =
          defect == Defect.DUPLICATE
              ? arrival + rng.nextLong(0, 5 * SECOND)
              : arrival + rng.nextLong(-2 * SECOND, 2 * SECOND);
      extraArrival = Math.max(dayStart, Math.min(extraArrival, dayEnd));
      emitted.add(new Emitted(extraArrival, emitted.size(), extra));
    }
    Emitted[] ordered = emitted.toArray(new Emitted[0]);
    Arrays.sort(ordered, Comparator.comparingLong(Emitted::arrival).thenComparingInt(Emitted::index));
    List<String> lines = new ArrayList<>(ordered.length);
    for (Emitted e : ordered) {
      lines.add(e.line());
    }
    return new Day(date, truth, lines, counts);
  }

  private record Emitted(long arrival, int index, String line) {}

  /** The tick's line with the price and size given (null: JSON null). */
  private static String defective(JsonLineWriter json, StringBuilder sb, Tick t, Double price, Double size) {
    sb.setLength(0);
    return json.append(sb, g -> t.writeFields(g, price, size)).toString();
  }

  private static String malformed(Tick t, String line, SplittableRandom rng) {
    if (rng.nextBoolean()) {
      // A line cut short, as when a writer dies mid-record.
      return line.substring(0, rng.nextInt(1, line.length() - 1));
    }
    // A CSV row that strayed into the JSON feed.
    return t.symbol() + "," + t.seq() + "," + t.eventTimeMicros() + "," + t.price() + "," + t.size() + ","
        + t.side() + "," + t.exchange();
  }

  /** The evolving state of one symbol across days. */
  private static final class SymbolPath {
    private final Instrument instrument;
    private final TradingCalendar calendar;
    private final SplittableRandom rng;
    private final double annualVol;
    private final double relativeActivity;
    private final int ticksPerDay;
    private final long ticksPerUnit;
    private final double periodsPerYear;
    private double logPrice;
    private double anchor;
    private boolean volatileRegime;
    private long nextSeq = 1;

    SymbolPath(Instrument instrument, ReferenceData.SimulationProfile profile, double meanActivity, SimulationConfig config) {
      this.instrument = instrument;
      this.calendar = TradingCalendar.of(instrument.assetClass());
      this.rng = new SplittableRandom(config.seed() ^ (instrument.symbol().hashCode() * 0x9E3779B97F4A7C15L));
      this.annualVol = profile.annualVol();
      this.relativeActivity = profile.activity() / meanActivity;
      this.ticksPerDay = config.ticksPerDay();
      this.ticksPerUnit = instrument.ticksPerUnit();
      this.periodsPerYear = instrument.assetClass().periodsPerYear();
      this.logPrice = Math.log(profile.startPrice());
      this.anchor = logPrice;
    }

    List<Tick> simulate(LocalDate date) {
      var session = calendar.session(date);
      if (session.isEmpty()) {
        return List.of();
      }
      if (rng.nextDouble() < 0.12) {
        volatileRegime = !volatileRegime;
      }
      double dailyVol = annualVol / Math.sqrt(periodsPerYear) * (volatileRegime ? 1.8 : 0.8);
      anchor += 0.3 * dailyVol * gaussian();
      if (instrument.assetClass() == AssetClass.EQUITY) {
        logPrice += 0.35 * dailyVol * gaussian(); // overnight gap
      }
      double dayFactor = Math.exp(0.25 * gaussian() - 0.03125);
      int n = (int) Math.max(1, Math.round(ticksPerDay * relativeActivity * dayFactor));
      long open = session.get().openMicros();
      long length = session.get().closeMicros() - open;
      double[] offsets = new double[n];
      for (int i = 0; i < n; i++) {
        offsets[i] = intradayOffset();
      }
      Arrays.sort(offsets);
      List<Tick> ticks = new ArrayList<>(n);
      double previous = 0;
      double halfSpread = 0.00015;
      double reversion = 1.5; // per day: a shock halves in about half a session
      for (int i = 0; i < n; i++) {
        double dt = offsets[i] - previous;
        previous = offsets[i];
        logPrice += -reversion * (logPrice - anchor) * dt + dailyVol * Math.sqrt(dt) * gaussian();
        boolean buy = rng.nextBoolean();
        double printed = Math.exp(logPrice) * (buy ? 1 + halfSpread : 1 - halfSpread);
        long priceTicks = Math.max(1, Math.round(printed * ticksPerUnit));
        double price = (double) priceTicks / ticksPerUnit;
        long time = open + (long) (offsets[i] * length);
        ticks.add(new Tick(instrument.symbol(), nextSeq++, time, price, size(price), buy ? Tick.BUY : Tick.SELL, instrument.exchange()));
      }
      return ticks;
    }

    /** A draw from the intraday profile, as a fraction of the session, by rejection. */
    private double intradayOffset() {
      while (true) {
        double u = rng.nextDouble();
        double density;
        double max;
        if (instrument.assetClass() == AssetClass.EQUITY) {
          double c = 2 * u - 1;
          density = 1 + 2 * c * c; // busy at the open and the close
          max = 3;
        } else {
          density = 1 + 0.5 * Math.sin(2 * Math.PI * (u - 0.25)); // peaks in the US/EU overlap
          max = 1.5;
        }
        if (rng.nextDouble() * max < density) {
          return u;
        }
      }
    }

    private double size(double price) {
      if (instrument.assetClass() == AssetClass.EQUITY) {
        // Mostly round lots, some odd lots.
        double shares = Math.exp(Math.log(100) + 0.9 * gaussian());
        return rng.nextDouble() < 0.7 ? Math.max(1, Math.round(shares / 100)) * 100.0 : Math.max(1, Math.round(shares));
      }
      double notional = Math.exp(Math.log(2_500) + 1.1 * gaussian());
      long units = Math.max(1, Math.round(notional / price * 10_000));
      return units / 10_000.0;
    }

    private double gaussian() {
      // Box-Muller on the symbol's own stream keeps runs reproducible without java.util.Random.
      double u1 = rng.nextDouble();
      double u2 = rng.nextDouble();
      return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
  }
}
