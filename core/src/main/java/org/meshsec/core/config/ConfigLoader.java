package org.meshsec.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.meshsec.core.config.mesh.MeshFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
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

  /**
   * Whether {@code file} is a mesh file (it has {@code [[node]]} tables) rather than a node
   * configuration; false when it cannot be read or parsed (then {@link #load} reports why).
   */
  public static boolean isMeshFile(Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        return false;
      }
      TomlParseResult toml = Toml.parse(FileText.read(file, MAX_CONFIG_SIZE));
      return !toml.hasErrors() && toml.get(List.of("node")) instanceof TomlArray;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Loads and validates a mesh file on its own (without a node's secrets or certificates: those are
   * checked when a node configuration naming it is loaded).
   *
   * @return the mesh, or every error found (never both)
   */
  public static MeshResult loadMesh(Path meshFile) {
    Diagnostics diag = new Diagnostics();
    MeshFile mesh = new MeshParser(meshFile, diag).parse();
    if (mesh == null || !diag.isEmpty()) {
      if (diag.isEmpty()) {
        diag.add(meshFile, 0, "invalid mesh file"); // defensive: never without a reason
      }
      return new MeshResult(null, diag.sorted(meshFile));
    }
    return new MeshResult(mesh, List.of());
  }

  /**
   * A mesh file loaded on its own.
   *
   * @param mesh the mesh, or null when invalid
   * @param errors the problems found, in line order; empty when {@code mesh} is set
   */
  public record MeshResult(MeshFile mesh, List<ConfigError> errors) {
    public MeshResult {
      errors = List.copyOf(errors);
    }
  }
}
