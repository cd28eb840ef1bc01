package dev.onering.spark.lake;

import dev.onering.lake.Lake;
import dev.onering.spark.Spark;
import dev.onering.spark.gold.SilverToGold;
import dev.onering.spark.silver.BronzeToSilver;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * A Silver or Gold step in a JVM of its own, for {@link KillMidWriteTest} to SIGKILL: args are the
 * step ({@code silver} or {@code gold}), the catalog name, the catalog's JDBC URL, the lake root
 * and, for silver, the dates (comma-separated).
 */
public final class StepChild {
  private StepChild() {}

  public static void main(String[] args) {
    LakeTables tables = new LakeTables(args[1], args[2], "postgres", null, Lake.at(args[3]), Map.of());
    System.out.println("child: running " + args[0]);
    if (args[0].equals("silver")) {
      System.setProperty("onering.spark.cores", "2");
      SparkSession spark = Spark.session("onering-kill-child");
      tables.register(spark);
      List<LocalDate> dates = Arrays.stream(args[4].split(",")).map(LocalDate::parse).toList();
      BronzeToSilver.run(spark, tables, dates);
      spark.stop();
    } else {
      SilverToGold.run(tables);
    }
    System.out.println("child: done");
  }
}
