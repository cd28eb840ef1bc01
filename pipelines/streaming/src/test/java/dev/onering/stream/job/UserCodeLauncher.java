package dev.onering.stream.job;

import java.lang.reflect.Method;
import java.net.URL;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.util.FlinkUserCodeClassLoaders;

/**
 * Runs a class of the job jar the way a Flink cluster runs a submitted jar's main: the jar in a
 * child-first user-code classloader over the Flink image's classpath, with Flink's parent-first
 * patterns, as the thread's context classloader. A flat {@code -cp jar:lib/*} hides what that
 * changes (JDBC drivers the JDK's DriverManager cannot see, for one). Used by FlinkJarIT in a JVM
 * whose classpath is the image's lib plus this class.
 *
 * <p>Arguments: the job jar, the main class, then the main's arguments.
 */
public final class UserCodeLauncher {
  private UserCodeLauncher() {}

  public static void main(String[] args) throws Exception {
    // A job manager has long since initialised DriverManager, whose one service lookup of drivers
    // saw only the cluster's classpath: a jar's driver is never found by it afterwards.
    java.sql.DriverManager.getDrivers();
    URL jar = Path.of(args[0]).toUri().toURL();
    ClassLoader parent = UserCodeLauncher.class.getClassLoader();
    ClassLoader userCode = FlinkUserCodeClassLoaders.childFirst(new URL[] {jar}, parent,
        CoreOptions.getParentFirstLoaderPatterns(new Configuration()), e -> { }, false);
    Thread.currentThread().setContextClassLoader(userCode);
    Method main = Class.forName(args[1], true, userCode).getMethod("main", String[].class);
    main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
  }
}
