package dev.onering.lake;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** {@link LakeFiles} on the local file system: the embedded runtime's lake. */
final class LocalLakeFiles implements LakeFiles {

  private final Lake lake;

  LocalLakeFiles(Lake lake) {
    if (!lake.isLocal()) {
      throw new IllegalArgumentException("the lake at " + lake.root() + " is not a local folder; "
          + "reach it through Hadoop's file system (LakeFs in the Spark module), which speaks s3a");
    }
    this.lake = lake;
  }

  @Override
  public Lake lake() {
    return lake;
  }

  @Override
  public List<String> list(String relativeDir, String suffix) {
    Path dir = lake.path(relativeDir);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile)
          .map(f -> f.getFileName().toString())
          .filter(n -> LakeFiles.isDataFile(n) && n.endsWith(suffix))
          .sorted()
          .map(n -> LakeFiles.child(relativeDir, n))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + "; check it is readable", e);
    }
  }

  @Override
  public List<String> partitionValues(String relativeDir, String column) {
    Path dir = lake.path(relativeDir);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> children = Files.list(dir)) {
      return children.filter(Files::isDirectory)
          .map(f -> f.getFileName().toString())
          .filter(n -> n.startsWith(column + "="))
          .map(n -> n.substring(column.length() + 1))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + "; check it is readable", e);
    }
  }

  @Override
  public InputStream open(String relative) throws IOException {
    return Files.newInputStream(lake.path(relative));
  }

  @Override
  public OutputStream create(String relative) throws IOException {
    Path file = lake.path(relative);
    Files.createDirectories(file.getParent());
    return Files.newOutputStream(file);
  }

  @Override
  public boolean exists(String relative) {
    return Files.exists(lake.path(relative));
  }

  @Override
  public void delete(String relative) {
    Path p = lake.path(relative);
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> all = Files.walk(p)) {
      for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + p + "; check its permissions", e);
    }
  }

  @Override
  public String uri(String relative) {
    return lake.path(relative).toString();
  }
}
