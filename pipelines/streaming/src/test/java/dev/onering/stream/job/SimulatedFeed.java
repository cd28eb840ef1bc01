package dev.onering.stream.job;

import dev.onering.bars.MinuteBar;
import dev.onering.instruments.ReferenceData;
import dev.onering.serving.clickhouse.SilverStore;
import dev.onering.simulator.MarketSimulator;
import dev.onering.simulator.SimulationConfig;
import dev.onering.ticks.BatchCleaner;
import dev.onering.ticks.Tick;
import dev.onering.ticks.TickParser;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import java.util.ArrayList;
import java.util.List;

/**
 * The simulator's Bronze lines in arrival order, as the stream would receive them, and what the
 * batch path's own cleaner makes of the same lines: the independent expectation for the job.
 */
record SimulatedFeed(List<Received> messages, List<Tick> batchKept, List<MinuteBar> batchBars,
    List<String> batchQuarantine) {

  static SimulatedFeed of(SimulationConfig config) throws Exception {
    ReferenceData reference = ReferenceData.standard();
    List<Received> messages = new ArrayList<>();
    List<Tick> kept = new ArrayList<>();
    List<MinuteBar> bars = new ArrayList<>();
    List<String> quarantine = new ArrayList<>();
    TickParser parser = new TickParser(reference);
    new MarketSimulator(config, reference).run(day -> {
      BatchCleaner cleaner = new BatchCleaner(reference, day.date(), new BatchCleaner.Output() {
        @Override
        public void kept(BatchCleaner.Kept k) {
          kept.add(k.tick());
        }

        @Override
        public void quarantined(BatchCleaner.Quarantined q) {
          quarantine.add(q.reason().code() + " " + q.raw());
        }

        @Override
        public void bar(MinuteBar bar) {
          bars.add(bar);
        }
      });
      long line = 0;
      for (String l : day.lines()) {
        line++;
        cleaner.accept(l, new BatchCleaner.Source(day.date().toString(), line));
        messages.add(Received.parse(parser, l, day.date() + ":" + line, 0, 0, 0, messages.size()));
      }
      cleaner.finish();
    });
    return new SimulatedFeed(messages, kept, bars, quarantine);
  }

  /** The messages as a single-partition source would give them. */
  DataStream<Received> source(StreamExecutionEnvironment env) {
    return env.fromData(messages, TypeInformation.of(Received.class)).setParallelism(1);
  }

  /** silver.bars_1m as the store holds it (FINAL: the last revision of each bar), in bar order. */
  static List<MinuteBar> barsIn(SilverStore store) throws Exception {
    return store.rows("SELECT symbol, toUnixTimestamp64Micro(bar_start) AS us, open, high, low, close, volume,"
            + " notional, trade_count FROM silver.bars_1m FINAL ORDER BY symbol, bar_start")
        .stream()
        .map(r -> new MinuteBar((String) r.get("symbol"), ((Number) r.get("us")).longValue(),
            ((Number) r.get("open")).doubleValue(), ((Number) r.get("high")).doubleValue(),
            ((Number) r.get("low")).doubleValue(), ((Number) r.get("close")).doubleValue(),
            ((Number) r.get("volume")).doubleValue(), ((Number) r.get("notional")).doubleValue(),
            ((Number) r.get("trade_count")).longValue()))
        .toList();
  }
}
