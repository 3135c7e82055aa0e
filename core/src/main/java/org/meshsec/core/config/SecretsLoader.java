package org.meshsec.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.meshsec.esp.SecretBytes;
import org.tomlj.Toml;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/**
 * Reads the secrets file:
 *
 * <pre>
 * [keys]
 * alpha-to-beta = "0x0123...cdef"   # hex, optional 0x prefix
 * </pre>
 *
 * The file is refused, before it is read, when group or others have any permission on it or when
 * another user owns it ({@link PrivateFiles}). No message produced here contains key material: hex
 * values are never echoed, and fragments of the file that the TOML parser quotes in syntax errors
 * are withheld.
 */
final class SecretsLoader {
  /** Secrets files are small; refuse anything bigger than this before reading it. */
  static final long MAX_SIZE = 1 << 20;

  private static final Pattern QUOTED_INPUT = Pattern.compile("Unexpected '.*?', expected");
  private static final Pattern ESCAPE = Pattern.compile("escape sequence '.*'");
  private static final Pattern HEX_RUN = Pattern.compile("[0-9A-Fa-f]{4,}");

  /** A key and the line it was defined on. */
  record Key(SecretBytes bytes, int line) {}

  private SecretsLoader() {}

  /**
   * Loads the keys, reporting problems in {@code diag}.
   *
   * @param file the resolved path of the secrets file
   * @param referencedAt where the config names the file, for "cannot read" errors
   * @return the keys by name (possibly with some left out, reported), or null when the file could
   *     not be used at all (reported)
   */
  static Map<String, Key> load(Path file, TomlSection referencedAt, String key, Diagnostics diag) {
    SourceFile noText = new SourceFile(file, "", diag);
    Optional<String> problem;
    try {
      if (!Files.isRegularFile(file)) {
        referencedAt.error(
            key,
            Files.exists(file)
                ? "secrets file " + file + " is not a regular file"
                : "secrets file " + file + " does not exist");
        return null;
      }
      problem = PrivateFiles.problem(file, "secrets file");
    } catch (UnsupportedOperationException e) {
      noText.error(0, "cannot check the permissions of the secrets file (not a POSIX file system)");
      return null;
    } catch (IOException e) {
      referencedAt.error(key, "cannot read secrets file " + file + ": " + FileText.describe(e));
      return null;
    }
    if (problem.isPresent()) {
      noText.error(0, problem.get());
      return null;
    }
    String text;
    try {
      text = FileText.read(file, MAX_SIZE);
    } catch (IOException e) {
      referencedAt.error(key, "cannot read secrets file " + file + ": " + FileText.describe(e));
      return null;
    }
    TomlParseResult toml = Toml.parse(text);
    if (toml.hasErrors()) {
      for (TomlParseError e : toml.errors()) {
        noText.error(
            e.position() == null ? 0 : e.position().line(),
            "TOML syntax: " + redact(e.getMessage()));
      }
      return null;
    }
    SourceFile source = new SourceFile(file, text, diag);
    TomlSection root = new TomlSection(source, toml, "the secrets file", "", 0);
    root.checkKeys(List.of("keys"));
    Map<String, Key> keys = new LinkedHashMap<>();
    Object k = toml.get(List.of("keys"));
    if (k == null) {
      return keys;
    }
    if (!(k instanceof TomlTable table)) {
      root.error("keys", "must be a table: write [keys]");
      return keys;
    }
    TomlSection section = new TomlSection(source, table, "[keys]", "", root.lineOf("keys"));
    for (String name : table.keySet()) {
      Object v = table.get(List.of(name));
      if (!(v instanceof String hex)) {
        section.error(name, "must be a hex string, not " + TomlSection.typeName(v));
        continue;
      }
      byte[] bytes = decodeHex(hex, section, name);
      if (bytes != null) {
        keys.put(name, new Key(SecretBytes.wrap(bytes), section.lineOf(name)));
      }
    }
    return keys;
  }

  /** Decodes hex with an optional 0x prefix; reports problems without echoing the text. */
  static byte[] decodeHex(String hex, TomlSection section, String name) {
    int start = hex.startsWith("0x") || hex.startsWith("0X") ? 2 : 0;
    int digits = hex.length() - start;
    if (digits == 0) {
      section.error(name, "key is empty");
      return null;
    }
    if (digits % 2 != 0) {
      section.error(name, "key has an odd number of hex digits (" + digits + ")");
      return null;
    }
    byte[] out = new byte[digits / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = Character.digit(hex.charAt(start + 2 * i), 16);
      int lo = Character.digit(hex.charAt(start + 2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        Arrays.fill(out, (byte) 0);
        section.error(
            name, "key is not a hex string (non-hex character at offset " + (start + 2 * i) + ")");
        return null;
      }
      out[i] = (byte) (hi << 4 | lo);
    }
    return out;
  }

  /** Removes quoted input from a TOML parser message: it may be key material. */
  static String redact(String message) {
    String m = QUOTED_INPUT.matcher(message).replaceAll("Unexpected input, expected");
    m = ESCAPE.matcher(m).replaceAll("escape sequence");
    return HEX_RUN.matcher(m).find() ? "syntax error (details withheld: this file holds keys)" : m;
  }
}
