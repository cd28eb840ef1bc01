package dev.onering.instruments;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The instrument reference set, read from {@code onering/instruments.csv} on the classpath. The
 * same file seeds the simulator, so its last three columns are simulation parameters, not
 * reference data.
 */
public final class ReferenceData {

  public static final String RESOURCE = "onering/instruments.csv";

  /** Parameters the simulator needs beyond the reference data. */
  public record SimulationProfile(double startPrice, double annualVol, double activity) {}

  private final Map<String, Instrument> bySymbol;
  private final Map<String, SimulationProfile> profiles;

  private ReferenceData(Map<String, Instrument> bySymbol, Map<String, SimulationProfile> profiles) {
    this.bySymbol = Collections.unmodifiableMap(bySymbol);
    this.profiles = Collections.unmodifiableMap(profiles);
  }

  private static volatile ReferenceData standard;

  /** The reference set shipped with OneRing. */
  public static ReferenceData standard() {
    ReferenceData r = standard;
    if (r == null) {
      try (InputStream in = ReferenceData.class.getClassLoader().getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(RESOURCE + " is missing from the classpath");
        }
        r = parse(in, RESOURCE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      standard = r;
    }
    return r;
  }

  static ReferenceData parse(InputStream in, String name) throws IOException {
    Map<String, Instrument> instruments = new LinkedHashMap<>();
    Map<String, SimulationProfile> profiles = new LinkedHashMap<>();
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String header = reader.readLine();
      List<String> columns = Arrays.asList(header.split(",", -1));
      String line;
      int lineNo = 1;
      while ((line = reader.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String[] v = line.split(",", -1);
        if (v.length != columns.size()) {
          throw new IllegalArgumentException(
              name + " line " + lineNo + ": expected " + columns.size() + " fields, got " + v.length);
        }
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < v.length; i++) {
          row.put(columns.get(i), v[i].trim());
        }
        Instrument instrument =
            new Instrument(
                row.get("symbol"),
                row.get("exchange"),
                row.get("market_id"),
                AssetClass.valueOf(row.get("asset_class").toUpperCase(Locale.ROOT)),
                row.get("base_asset"),
                row.get("quote_asset"),
                Double.parseDouble(row.get("tick_size")),
                row.get("description"),
                Instant.parse(row.get("earliest_time")),
                Arrays.asList(row.get("supported_periods").split("\\|")));
        instruments.put(instrument.symbol(), instrument);
        profiles.put(
            instrument.symbol(),
            new SimulationProfile(
                Double.parseDouble(row.get("sim_start_price")),
                Double.parseDouble(row.get("sim_annual_vol")),
                Double.parseDouble(row.get("sim_activity"))));
      }
    }
    return new ReferenceData(instruments, profiles);
  }

  public List<Instrument> instruments() {
    return new ArrayList<>(bySymbol.values());
  }

  public Optional<Instrument> find(String symbol) {
    return Optional.ofNullable(bySymbol.get(symbol));
  }

  public boolean contains(String symbol) {
    return bySymbol.containsKey(symbol);
  }

  public SimulationProfile profile(String symbol) {
    SimulationProfile p = profiles.get(symbol);
    if (p == null) {
      throw new IllegalArgumentException("no simulation profile for " + symbol);
    }
    return p;
  }

  /**
   * The first {@code count} instruments, taken alternately from equities and crypto so that any
   * selection of two or more covers both asset classes and, from four on, at least two exchanges.
   */
  public List<Instrument> select(int count) {
    if (count < 1 || count > bySymbol.size()) {
      throw new IllegalArgumentException(
          "--symbols must be between 1 and " + bySymbol.size() + ", got " + count);
    }
    List<Instrument> equities = new ArrayList<>();
    List<Instrument> crypto = new ArrayList<>();
    for (Instrument i : bySymbol.values()) {
      (i.assetClass() == AssetClass.CRYPTO ? crypto : equities).add(i);
    }
    List<Instrument> picked = new ArrayList<>(count);
    int e = 0;
    int c = 0;
    while (picked.size() < count) {
      // Two equities for each crypto pair keeps the mix close to the reference set's.
      boolean takeCrypto = picked.size() % 3 == 1 && c < crypto.size() || e >= equities.size();
      picked.add(takeCrypto ? crypto.get(c++) : equities.get(e++));
    }
    return picked;
  }
}
