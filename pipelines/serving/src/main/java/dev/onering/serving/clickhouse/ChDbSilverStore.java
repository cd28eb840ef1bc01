package dev.onering.serving.clickhouse;

import dev.onering.lake.LakeFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Silver store on the embedded ClickHouse engine. A load is one {@code INSERT ... SELECT FROM
 * file(...)}: ClickHouse reads the lake's Parquet itself, so no rows pass through the JVM. From an
 * object-store lake the date's part files are first copied to a local scratch folder through
 * {@link LakeFiles} (chDB has no HTTP body to stream them into).
 */
public final class ChDbSilverStore extends ClickHouseSilverStore {

  /** Environment variable naming the chDB data directory of {@code onering stream}. */
  public static final String DATA_DIR_ENV = "ONERING_CHDB_PATH";
  /** Default chDB data directory of {@code onering stream}, beside the default lake ({@code data/lake}). */
  public static final String DATA_DIR_DEFAULT = "data/chdb";

  private final ChDb db;

  /** Takes ownership of {@code db}: closing the store closes the handle. */
  public ChDbSilverStore(ChDb db) {
    super(db);
    this.db = db;
  }

  public static ChDbSilverStore open(Path dataDir) {
    return new ChDbSilverStore(ChDb.open(dataDir));
  }

  /**
   * On this library (null: {@link ChDb#locateLibrary}) with this engine configuration, e.g. {@link
   * LakeCollection#chdbConfig}; see {@link ChDb#open(Path, Path, Map)}.
   */
  public static ChDbSilverStore open(Path dataDir, Path library, Map<String, String> config) {
    return new ChDbSilverStore(ChDb.open(dataDir, library, config));
  }

  /** The handle underneath, for callers that need ClickHouse beyond this interface. */
  public ChDb chdb() {
    return db;
  }

  @Override
  protected void loadParts(SilverTable table, List<Column> columns, LocalDate date, LakeFiles lake,
      String folder, List<String> parts) throws IOException {
    if (lake.lake().isLocal()) {
      // Exactly the files given, not the folder: a folder of an Iceberg table also holds files of
      // replaced and of unfinished writes.
      for (String part : parts) {
        db.execute(insertFromFiles(table, columns, date, lake.lake().path(part).toAbsolutePath().toString()));
      }
      return;
    }
    Path scratch = Files.createTempDirectory("onering-silver-load-");
    try {
      for (String part : parts) {
        try (InputStream in = lake.open(part)) {
          Files.copy(in, scratch.resolve(part.substring(part.lastIndexOf('/') + 1)));
        }
      }
      db.execute(insertFromFiles(table, columns, date, scratch + "/*.parquet"));
    } finally {
      deleteQuietly(scratch);
    }
  }

  private static String insertFromFiles(SilverTable table, List<Column> columns, LocalDate date, String glob) {
    // use_hive_partitioning is off so ClickHouse does not also derive trade_date from the path.
    return insertHead(table, columns) + " SELECT " + selectList(columns, date)
        + " FROM file(" + ChDb.quote(glob) + ", Parquet)"
        + " SETTINGS use_hive_partitioning = 0";
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      // A scratch copy left in the temp folder is harmless; the load's outcome is what matters.
    }
  }

  @Override
  public void close() {
    db.close();
  }
}
