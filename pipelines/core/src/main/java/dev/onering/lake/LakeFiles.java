package dev.onering.lake;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * The files of a {@link Lake}, wherever it lives: a local folder ({@link #local}) or an object
 * store (the Spark module's {@code LakeFs}, through Hadoop's FileSystem and s3a). Steps and stores
 * that read or write lake files take this, so one code path serves both runtimes. Paths are
 * relative to the lake root ({@code bronze/ticks/date=2026-09-01/part-00000.jsonl}).
 */
public interface LakeFiles {

  Lake lake();

  /**
   * Data files directly under a folder whose names end with {@code suffix} ("" for any), sorted by
   * name, as paths relative to the root. Hidden and marker files ({@code .x.crc}, {@code _SUCCESS})
   * are not data and never listed. A missing folder has no files.
   */
  List<String> list(String relativeDir, String suffix);

  /** Child folder names of the form {@code column=value} under a folder, as values, sorted. */
  List<String> partitionValues(String relativeDir, String column);

  /** {@code dir/name}, or {@code name} under the root ({@code ""}). */
  static String child(String relativeDir, String name) {
    return relativeDir.isEmpty() ? name : relativeDir + "/" + name;
  }

  InputStream open(String relative) throws IOException;

  /** A new file, replacing any file of that name; parent folders are created as needed. */
  OutputStream create(String relative) throws IOException;

  boolean exists(String relative);

  /** Deletes a file or a folder with everything under it; nothing there is fine. */
  void delete(String relative);

  /** The full location of a path, for messages: a local path or an s3a URI. */
  default String uri(String relative) {
    return lake().uri(relative);
  }

  /** The local file system; refuses a lake that is not local. */
  static LakeFiles local(Lake lake) {
    return new LocalLakeFiles(lake);
  }

  /** Whether a file name is data rather than a checksum, marker or hidden file. */
  static boolean isDataFile(String name) {
    return !name.startsWith(".") && !name.startsWith("_");
  }
}
