package dev.onering.cli;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Progress on standard error, so standard output stays the step's JSON. On a terminal a line
 * rewrites itself; in logs (CI, Airflow) each update is its own line, at most every few seconds.
 */
public final class Progress {
  private static final PrintStream ERR = System.err;
  private static final boolean TTY = System.console() != null;
  private static volatile String step = "";
  private static volatile long lastPrint;

  private Progress() {}

  public static void step(String name) {
    step = name;
  }

  public static void info(String message) {
    endLine();
    ERR.println("[" + step + "] " + message);
  }

  public static synchronized void update(String message) {
    long now = System.currentTimeMillis();
    if (TTY) {
      ERR.print("\r\033[K[" + step + "] " + message);
      ERR.flush();
      inLine = true;
    } else if (now - lastPrint > 5_000) {
      ERR.println("[" + step + "] " + message);
      lastPrint = now;
    }
  }

  private static boolean inLine;

  public static synchronized void endLine() {
    if (inLine) {
      ERR.println();
      inLine = false;
    }
  }

  /** Reports Spark tasks done per stage while a step runs. */
  public static final class SparkProgress extends SparkListener {
    private final AtomicInteger tasks = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private final boolean stageTimes;

    /** @param stageTimes print each stage's duration (the {@code stage.times} setting) */
    public SparkProgress(boolean stageTimes) {
      this.stageTimes = stageTimes;
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted event) {
      tasks.set(event.stageInfo().numTasks());
      done.set(0);
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
      update("spark: " + done.incrementAndGet() + "/" + tasks.get() + " tasks of the current stage");
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted event) {
      var info = event.stageInfo();
      String name = info.name().split(" at ")[0];
      if (stageTimes) {
        long ms = (long) info.completionTime().getOrElse(() -> 0L) - (long) info.submissionTime().getOrElse(() -> 0L);
        info("spark stage " + info.stageId() + " " + name + ": " + info.numTasks() + " tasks, " + ms + " ms");
      } else {
        update("spark: stage " + info.stageId() + " done (" + name + ")");
      }
    }
  }
}
