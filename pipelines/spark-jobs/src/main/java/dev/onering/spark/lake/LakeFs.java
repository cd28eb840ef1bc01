package dev.onering.spark.lake;

import dev.onering.lake.Lake;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The lake through Hadoop's FileSystem, so the same code lists and reads a local folder and an
 * S3 bucket. Serializable: executors rebuild the Hadoop configuration from the copied settings.
 */
public final class LakeFs implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String root;
  private final Map<String, String> hadoopSettings;
  private transient Configuration conf;

  private LakeFs(String root, Map<String, String> hadoopSettings) {
    this.root = root;
    this.hadoopSettings = hadoopSettings;
  }

  public static LakeFs of(SparkSession spark, Lake lake) {
    Map<String, String> settings = new HashMap<>();
    for (Map.Entry<String, String> e : spark.sparkContext().hadoopConfiguration()) {
      if (e.getKey().startsWith("fs.")) {
        settings.put(e.getKey(), e.getValue());
      }
    }
    return new LakeFs(lake.root(), settings);
  }

  public String uri(String relative) {
    return root + "/" + relative;
  }

  public FileSystem fs() {
    try {
      return FileSystem.get(URI.create(root.contains("://") ? root : "file://" + root), conf());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the lake at " + root, e);
    }
  }

  private Configuration conf() {
    if (conf == null) {
      // One per settings and JVM, so Hadoop's XML defaults are parsed once, not once per task.
      conf = CONFIGURATIONS.computeIfAbsent(hadoopSettings, s -> {
        Configuration c = new Configuration();
        s.forEach(c::set);
        return c;
      });
    }
    return conf;
  }

  private static final java.util.concurrent.ConcurrentHashMap<Map<String, String>, Configuration> CONFIGURATIONS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Data files directly under a folder, sorted by name (which is arrival order for Bronze). */
  public List<String> dataFiles(String relativeDir) {
    try {
      Path dir = new Path(uri(relativeDir));
      FileSystem fs = fs();
      if (!fs.exists(dir)) {
        return List.of();
      }
      List<String> files = new ArrayList<>();
      for (FileStatus s : fs.listStatus(dir)) {
        String name = s.getPath().getName();
        if (s.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
          files.add(relativeDir + "/" + name);
        }
      }
      files.sort(null);
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + uri(relativeDir), e);
    }
  }

  /** Child folder names of the form {@code column=value}, as values, sorted. */
  public List<String> partitionValues(String relativeDir, String column) {
    try {
      Path dir = new Path(uri(relativeDir));
      FileSystem fs = fs();
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
      throw new UncheckedIOException("cannot list " + uri(relativeDir), e);
    }
  }

  public void delete(String relative) {
    try {
      fs().delete(new Path(uri(relative)), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + uri(relative), e);
    }
  }

  public boolean exists(String relative) {
    try {
      return fs().exists(new Path(uri(relative)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + uri(relative), e);
    }
  }

  public org.apache.hadoop.fs.FSDataInputStream open(String relative) throws IOException {
    return fs().open(new Path(uri(relative)));
  }
}
