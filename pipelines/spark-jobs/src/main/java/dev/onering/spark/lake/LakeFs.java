package dev.onering.spark.lake;

import dev.onering.lake.Lake;
import dev.onering.lake.LakeFiles;
import dev.onering.lake.S3Endpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The lake through Hadoop's FileSystem, so the same code lists, reads and writes a local folder
 * and an S3 bucket (s3a, hadoop-aws). Serializable: executors rebuild the Hadoop configuration
 * from the copied {@code fs.*} settings.
 *
 * <p>A light step (ingest, load-silver, the quality gate) builds one from the environment with
 * {@link #of(Lake, Map)} and never starts Spark; a Spark job takes the session's settings with
 * {@link #of(SparkSession, Lake)}.
 */
public final class LakeFs implements LakeFiles, Serializable {
  private static final long serialVersionUID = 1L;

  private final Lake lake;
  private final Map<String, String> hadoopSettings;
  private transient Configuration conf;

  private LakeFs(Lake lake, Map<String, String> hadoopSettings) {
    this.lake = lake;
    this.hadoopSettings = new HashMap<>(hadoopSettings);
  }

  public static LakeFs of(SparkSession spark, Lake lake) {
    Map<String, String> settings = new HashMap<>();
    for (Map.Entry<String, String> e : spark.sparkContext().hadoopConfiguration()) {
      if (e.getKey().startsWith("fs.")) {
        settings.put(e.getKey(), e.getValue());
      }
    }
    return new LakeFs(lake, settings);
  }

  /** Without Spark: Hadoop's defaults plus {@code hadoopSettings} (e.g. {@link #s3aSettings}). */
  public static LakeFs of(Lake lake, Map<String, String> hadoopSettings) {
    return new LakeFs(lake, hadoopSettings);
  }

  /** The s3a settings for an endpoint ({@link S3Endpoint#s3aSettings}, shared with the streaming job). */
  public static Map<String, String> s3aSettings(S3Endpoint s3) {
    return s3.s3aSettings();
  }

  @Override
  public Lake lake() {
    return lake;
  }

  @Override
  public String uri(String relative) {
    return lake.uri(relative);
  }

  /** The file system holding a path: with a bucket per zone each zone is its own s3a file system. */
  public FileSystem fs(String relative) {
    Path p = path(relative);
    try {
      return p.getFileSystem(conf());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the lake's file system for " + p + ": " + e.getMessage()
          + (lake.isLocal() ? "" : "; check ONERING_S3_ENDPOINT and the S3 credentials (ONERING_S3_ACCESS_KEY /"
              + " ONERING_S3_SECRET_KEY), and that the bucket exists"), e);
    }
  }

  /** The Hadoop path of a lake path: file:// for a local lake, the s3a URI otherwise. */
  public Path path(String relative) {
    return new Path(lake.isLocal() && !lake.root().startsWith("file:") ? "file://" + uri(relative) : uri(relative));
  }

  private Configuration conf() {
    if (conf == null) {
      // One per settings and JVM, so Hadoop's XML defaults are parsed once, not once per task.
      conf = CONFIGURATIONS.computeIfAbsent(Map.copyOf(hadoopSettings), s -> {
        Configuration c = new Configuration();
        s.forEach(c::set);
        return c;
      });
    }
    return conf;
  }

  private static final ConcurrentHashMap<Map<String, String>, Configuration> CONFIGURATIONS = new ConcurrentHashMap<>();

  /** Data files directly under a folder, sorted by name (which is arrival order for Bronze). */
  public List<String> dataFiles(String relativeDir) {
    return list(relativeDir, "");
  }

  @Override
  public List<String> list(String relativeDir, String suffix) {
    try {
      Path dir = path(relativeDir);
      FileSystem fs = fs(relativeDir);
      if (!fs.exists(dir)) {
        return List.of();
      }
      List<String> files = new ArrayList<>();
      for (FileStatus s : fs.listStatus(dir)) {
        String name = s.getPath().getName();
        if (s.isFile() && LakeFiles.isDataFile(name) && name.endsWith(suffix)) {
          files.add(LakeFiles.child(relativeDir, name));
        }
      }
      files.sort(null);
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + uri(relativeDir) + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<String> partitionValues(String relativeDir, String column) {
    try {
      Path dir = path(relativeDir);
      FileSystem fs = fs(relativeDir);
      if (!fs.exists(dir)) {
        return List.of();
      }
      List<String> values = new ArrayList<>();
      for (FileStatus s : fs.listStatus(dir)) {
        String name = s.getPath().getName();
        if (s.isDirectory() && name.startsWith(column + "=")) {
          values.add(name.substring(column.length() + 1));
        }
      }
      values.sort(null);
      return values;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + uri(relativeDir) + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(String relative) {
    try {
      fs(relative).delete(path(relative), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + uri(relative) + ": " + e.getMessage(), e);
    }
  }

  /** Moves a file or folder; the target's parent is created. */
  public void rename(String from, String to) {
    try {
      FileSystem fs = fs(to);
      fs.mkdirs(path(to).getParent());
      if (!fs.rename(path(from), path(to))) {
        throw new IOException("the file system refused");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + uri(from) + " to " + uri(to) + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean exists(String relative) {
    try {
      return fs(relative).exists(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + uri(relative) + ": " + e.getMessage(), e);
    }
  }

  @Override
  public org.apache.hadoop.fs.FSDataInputStream open(String relative) throws IOException {
    return fs(relative).open(path(relative));
  }

  @Override
  public OutputStream create(String relative) throws IOException {
    return fs(relative).create(path(relative), true);
  }
}
