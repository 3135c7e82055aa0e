package org.meshsec.core.config;

import java.nio.file.Path;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.tomlj.TomlArray;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Typed, error-reporting access to one TOML table: every wrong type, missing required key and
 * unknown key becomes a {@link ConfigError} at the key's line, and the accessor returns null so
 * parsing goes on and finds the other errors. Not thread-safe; used during one load.
 */
final class TomlSection {
  /** A string value with the line it was written on. */
  record Item(String value, int line) {}

  private final SourceFile source;
  private final TomlTable table;
  private final String where;
  private final String keyPrefix;
  private final int line;

  /**
   * @param where how messages name this table: {@code [tun]}, {@code policy "web"}
   * @param keyPrefix put before key names in messages ("" or {@code soft_lifetime.})
   * @param line the table's header line, used when a key has no position
   */
  TomlSection(SourceFile source, TomlTable table, String where, String keyPrefix, int line) {
    this.source = source;
    this.table = table;
    this.where = where;
    this.keyPrefix = keyPrefix;
    this.line = line;
  }

  String where() {
    return where;
  }

  int line() {
    return line;
  }

  Path file() {
    return source.path();
  }

  /** Line of {@code key}, or the table's line when absent. */
  int lineOf(String key) {
    TomlPosition p = table.inputPositionOf(List.of(key));
    return p == null ? line : p.line();
  }

  /** Reports {@code <where> <key>: <problem>} at the key's line. */
  void error(String key, String problem) {
    source.error(lineOf(key), where + " " + keyPrefix + key + ": " + problem);
  }

  /** Reports a whole-table problem at the table's line. */
  void tableError(String reason) {
    source.error(line, reason);
  }

  void errorAt(int atLine, String reason) {
    source.error(atLine, reason);
  }

  /** Reports every key not in {@code allowed}, suggesting the nearest allowed one. */
  void checkKeys(Collection<String> allowed) {
    for (String k : new TreeSet<>(table.keySet())) {
      if (!allowed.contains(k)) {
        source.error(
            lineOf(k),
            "unknown key \"" + keyPrefix + k + "\" in " + where + suggestion(k, allowed));
      }
    }
  }

  boolean has(String key) {
    return table.contains(List.of(key));
  }

  Set<String> keys() {
    return table.keySet();
  }

  Object raw(String key) {
    return table.get(List.of(key));
  }

  /** The string value, or null when absent or not a string (reported). */
  String string(String key) {
    Object v = raw(key);
    if (v == null) {
      return null;
    }
    if (v instanceof String s) {
      return s;
    }
    error(key, "must be a string, not " + typeName(v));
    return null;
  }

  /** Like {@link #string} but reports a missing key. */
  String requireString(String key) {
    if (!has(key)) {
      tableError(where + ": " + keyPrefix + key + " is required");
      return null;
    }
    return string(key);
  }

  /** The integer value, or null when absent or not an integer (reported). */
  Long integer(String key) {
    Object v = raw(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Long l) {
      return l;
    }
    error(key, "must be an integer, not " + typeName(v));
    return null;
  }

  /** The boolean value, or null when absent or not a boolean (reported). */
  Boolean bool(String key) {
    Object v = raw(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    error(key, "must be true or false, not " + typeName(v));
    return null;
  }

  /**
   * A string or an array of strings, as items with their lines; null when absent; wrong types are
   * reported and skipped.
   */
  List<Item> stringList(String key) {
    Object v = raw(key);
    if (v == null) {
      return null;
    }
    List<Item> out = new ArrayList<>();
    if (v instanceof String s) {
      out.add(new Item(s, lineOf(key)));
      return out;
    }
    if (!(v instanceof TomlArray arr)) {
      error(key, "must be a string or an array of strings, not " + typeName(v));
      return out;
    }
    for (int i = 0; i < arr.size(); i++) {
      Object e = arr.get(i);
      int l = source.elementLine(arr.inputPositionOf(i), lineOf(key));
      if (e instanceof String s) {
        out.add(new Item(s, l));
      } else {
        source.error(
            l,
            where
                + " "
                + keyPrefix
                + key
                + ": element "
                + (i + 1)
                + " must be a string, not "
                + typeName(e));
      }
    }
    return out;
  }

  /** A sub-table (inline or not), or null when absent or not a table (reported). */
  TomlSection table(String key) {
    Object v = raw(key);
    if (v == null) {
      return null;
    }
    if (v instanceof TomlTable t) {
      return new TomlSection(source, t, where, keyPrefix + key + ".", lineOf(key));
    }
    error(key, "must be a table such as { seconds = 3600 }, not " + typeName(v));
    return null;
  }

  /** The TOML type of a parsed value, for messages. */
  static String typeName(Object v) {
    if (v instanceof String) {
      return "a string";
    }
    if (v instanceof Long) {
      return "an integer";
    }
    if (v instanceof Double) {
      return "a float";
    }
    if (v instanceof Boolean) {
      return "a boolean";
    }
    if (v instanceof TomlArray) {
      return "an array";
    }
    if (v instanceof TomlTable) {
      return "a table";
    }
    if (v instanceof Temporal) {
      return "a date/time";
    }
    return "a " + v.getClass().getSimpleName();
  }

  /** {@code " (did you mean "x"?)"} when an allowed key is within edit distance 2, else "". */
  static String suggestion(String key, Collection<String> allowed) {
    String best = null;
    int bestDistance = 3;
    for (String a : allowed) {
      int d = editDistance(key, a);
      if (d < bestDistance) {
        bestDistance = d;
        best = a;
      }
    }
    return best == null ? "" : " (did you mean \"" + best + "\"?)";
  }

  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
