package dev.onering.serving;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The options of the native stack's store servers ({@code --data-dir DIR [--port N]}, {@code
 * --help}), parsed once for both, and their life: ready line, then running until the process is
 * stopped.
 */
public record ServerArgs(Path dataDir, int port) {

  /** Parsing ended the program: help was printed (0) or the options were wrong (2). */
  public static final class Exit extends Exception {
    private final int code;

    Exit(int code) {
      super(null, null, false, false);
      this.code = code;
    }

    public int code() {
      return code;
    }
  }

  public static ServerArgs parse(String program, String usage, String[] args, int defaultPort,
      PrintStream out, PrintStream err) throws Exit {
    Path dataDir = null;
    int port = defaultPort;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        out.println(usage);
        throw new Exit(0);
      }
      if (i + 1 >= args.length || !(a.equals("--data-dir") || a.equals("--port"))) {
        err.println(program + ": unknown or incomplete option '" + a + "'\n" + usage);
        throw new Exit(2);
      }
      String v = args[++i];
      if (a.equals("--data-dir")) {
        dataDir = Path.of(v);
        continue;
      }
      try {
        port = Integer.parseInt(v);
      } catch (NumberFormatException e) {
        err.println(program + ": --port must be a number, got '" + v + "'");
        throw new Exit(2);
      }
    }
    if (dataDir == null) {
      err.println(program + ": --data-dir is required\n" + usage);
      throw new Exit(2);
    }
    return new ServerArgs(dataDir, port);
  }

  /** What stops a server; called once, from the shutdown hook (SIGTERM, Ctrl-C). */
  @FunctionalInterface
  public interface Stop {
    void stop() throws Exception;
  }

  /**
   * Prints {@code ready} (the line the native stack waits for), then blocks until the process is
   * asked to end; the shutdown hook runs {@code stop} first, so the store closes cleanly.
   */
  public static void serveUntilStopped(String program, String ready, Stop stop, PrintStream out, PrintStream err)
      throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        stop.stop();
      } catch (Exception e) {
        err.println(program + ": stopping failed: " + e.getMessage());
      }
      stopped.countDown();
    }, program + "-stop"));
    out.println(ready);
    out.flush();
    stopped.await();
  }
}
