package dev.onering.cli.ml;

import dev.onering.ml.Example;
import dev.onering.ml.train.Trainer;
import dev.onering.spark.Spark;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.SparkSession;

/** Run in a JVM of its own by ClasspathTest: Spark and XGBoost side by side, as the train step has them. */
public final class ClasspathProbe {
  private ClasspathProbe() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("onering.spark.cores", "1");
    SparkSession spark = Spark.session("classpath-probe");
    long n = spark.range(1000).selectExpr("sum(id)").first().getLong(0);
    Random r = new Random(1);
    List<Example> rows = new ArrayList<>();
    for (int d = 0; d < 40; d++) {
      for (int s = 0; s < 3; s++) {
        double x = r.nextGaussian();
        rows.add(new Example("S" + s, LocalDate.of(2026, 1, 1).plusDays(d), LocalDate.of(2026, 1, 6).plusDays(d),
            new double[] {x, r.nextGaussian()}, x > 0 ? 1 : 0));
      }
    }
    Trainer.Result t = new Trainer(List.of("x", "zscore_20"), "label", "probe", 5).train(rows, rows.size(), "probe", "probe");
    System.out.println("PROBE spark-sum=" + n + " model-bytes=" + t.modelJson().length + " scala="
        + scala.util.Properties.versionNumberString());
    spark.stop();
  }
}
