package org.meshsec.core.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The project version: from {@code version.properties}, which Maven fills in at build time
 * (resource filtering in {@code core/pom.xml}), falling back to the jar manifest's {@code
 * Implementation-Version}. Thread-safe (stateless).
 */
public final class VersionInfo implements IVersionProvider {
  static final String RESOURCE = "version.properties";

  /** The version, such as {@code 0.1.0-SNAPSHOT}, or {@code unknown}. */
  public static String version() {
    try (InputStream in = VersionInfo.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String v = p.getProperty("version");
        if (v != null && !v.isBlank() && !v.contains("${")) {
          return v.trim();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String manifest = VersionInfo.class.getPackage().getImplementationVersion();
    return manifest != null ? manifest : "unknown";
  }

  @Override
  public String[] getVersion() {
    return new String[] {"meshsec " + version()};
  }
}
