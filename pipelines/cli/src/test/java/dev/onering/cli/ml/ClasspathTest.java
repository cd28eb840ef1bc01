package dev.onering.cli.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * XGBoost's JVM build is for Scala 2.12 and Spark here is 2.13: only xgboost4j's Java API may be
 * used, with no Scala 2.12 anywhere. A JVM on the CLI's classpath trains a model next to a running
 * Spark session with class loading logged; every Scala class must come from Spark's 2.13 jars, and
 * no class of xgboost4j's Scala API may load.
 */
class ClasspathTest {

  @Test
  void trainingNextToSparkLoadsNoScala212Class(@TempDir Path dir) throws Exception {
    String classpath = System.getProperty("java.class.path");
    for (String entry : classpath.split(java.io.File.pathSeparator)) {
      String jar = Path.of(entry).getFileName().toString();
      // Scala's own jars (scala-library-2.12.x.jar) and cross-built ones (name_2.12-x.jar), not joda-time-2.12.7.
      if (jar.matches("scala-[a-z-]+-2\\.12\\..*") || jar.contains("_2.12-")) {
        // The one 2.12 artifact allowed: xgboost4j itself, whose Java API uses no Scala.
        assertThat(jar).as("a Scala 2.12 artifact on the classpath").startsWith("xgboost4j_2.12-");
      }
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognized") || a.startsWith("-Djdk.reflect")
          || a.startsWith("-Dio.netty")) {
        cmd.add(a);
      }
    }
    cmd.addAll(List.of("-Xmx1g", "-Xlog:class+load=info:file=" + dir.resolve("classes.log"), "-cp", classpath,
        ClasspathProbe.class.getName()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
    String out = Files.readString(dir.resolve("out.log"));
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("PROBE spark-sum=499500").containsPattern("scala=2\\.13\\.");
    List<String> loaded = Files.readAllLines(dir.resolve("classes.log"));
    // Lambdas and hidden classes name their host class as the source; the rest name their jar.
    List<String> scala = loaded.stream().filter(l -> l.contains("] scala.")
        && (l.contains(" source: jar:") || l.contains(" source: file:"))).toList();
    assertThat(scala).as("Spark loads Scala").hasSizeGreaterThan(100);
    for (String line : scala) {
      assertThat(line).as("every Scala class from a 2.13 jar").containsPattern("(_2\\.13-|-2\\.13\\.)[^/]*\\.jar");
    }
    assertThat(loaded).as("xgboost4j's Scala API never loads").noneMatch(l -> l.contains("ml.dmlc.xgboost4j.scala."));
    assertThat(loaded).as("the Java API did").anyMatch(l -> l.contains("ml.dmlc.xgboost4j.java.Booster "));
  }
}
