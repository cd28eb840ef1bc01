package dev.onering.stream.cli;

import java.io.PrintStream;

/**
 * Progress on standard error, so standard output stays the command's JSON result. On a terminal the
 * line rewrites itself; in logs each update is its own line, at most every few seconds (as the batch
 * CLI's Progress does).
 */
final class StreamProgress {
  private static final PrintStream ERR = System.err;
  private static final boolean TTY = System.console() != null;
  private static long lastPrint;
  private static boolean inLine;

  private StreamProgress() {}

  static synchronized void info(String command, String message) {
    endLine();
    ERR.println("[" + command + "] " + message);
  }

  static synchronized void update(String command, String message) {
    long now = System.currentTimeMillis();
    if (TTY) {
      ERR.print("\r\033[K[" + command + "] " + message);
      ERR.flush();
      inLine = true;
    } else if (now - lastPrint > 5_000) {
      ERR.println("[" + command + "] " + message);
      lastPrint = now;
    }
  }

  static synchronized void endLine() {
    if (inLine) {
      ERR.println();
      inLine = false;
    }
  }
}
