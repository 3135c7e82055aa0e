package org.meshsec.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tomlj.Toml;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;

/**
 * Loads and validates a node configuration file (TOML, schema in {@code docs/configuration.md}) and
 * the secrets file it names. Every problem is collected, not just the first, and reported as a
 * {@link ConfigError} with the file and line of the offending key; bad content never throws.
 *
 * <p>Stateless and thread-safe.
 */
public final class ConfigLoader {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

  /** Configuration files larger than this are refused unread. */
  public static final long MAX_CONFIG_SIZE = 4L << 20;

  private ConfigLoader() {}

  /**
   * Loads {@code configFile} and, when {@code [node] secrets} is set, the secrets file (a relative
   * path is resolved against the directory of {@code configFile}).
   *
   * @return the configuration, or every error found (never both); never null
   */
  public static ConfigResult load(Path configFile) {
    Diagnostics diag = new Diagnostics();
    String text = null;
    try {
      if (Files.isDirectory(configFile)) {
        diag.add(configFile, 0, "is a directory, not a configuration file");
      } else if (Files.exists(configFile) && !Files.isRegularFile(configFile)) {
        diag.add(configFile, 0, "is not a regular file");
      } else {
        text = FileText.read(configFile, MAX_CONFIG_SIZE);
      }
    } catch (IOException e) {
      diag.add(configFile, 0, "cannot read configuration file: " + FileText.describe(e));
    }
    if (text == null) {
      return new ConfigResult.Invalid(diag.sorted(configFile));
    }
    TomlParseResult toml = Toml.parse(text);
    if (toml.hasErrors()) {
      for (TomlParseError e : toml.errors()) {
        diag.add(
            configFile,
            e.position() == null ? 0 : e.position().line(),
            "TOML syntax: " + e.getMessage());
      }
      return new ConfigResult.Invalid(diag.sorted(configFile));
    }
    ConfigParser parser = new ConfigParser(configFile, text, toml, diag);
    NodeConfig config = parser.parse();
    if (!diag.isEmpty() || config == null) {
      parser.wipeSecrets();
      if (diag.isEmpty()) {
        diag.add(configFile, 0, "invalid configuration"); // defensive: never without a reason
      }
      LOG.debug("configuration {} has {} error(s)", configFile, diag.count());
      return new ConfigResult.Invalid(diag.sorted(configFile));
    }
    parser.wipeUnusedSecrets(config);
    LOG.debug(
        "loaded configuration {}: {} policies, {} manual SAs, TUN MTU {}",
        configFile,
        config.policies().size(),
        config.sas().size(),
        config.tun().mtu());
    return new ConfigResult.Ok(config);
  }
}
