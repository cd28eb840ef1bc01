package dev.onering.serving;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The options of the native stack's store servers ({@code --data-dir DIR [--port N]}, {@code
 * --help}), parsed once for both.
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
}
