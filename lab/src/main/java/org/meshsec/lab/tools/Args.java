package org.meshsec.lab.tools;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tiny argument parser for the tools: positionals plus options that take one value ({@code -c 3},
 * {@code --seed 7}, {@code --seed=7}). Not thread-safe; one per invocation.
 */
final class Args {
  /** Bad arguments; the message says what. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private final List<String> positional = new ArrayList<>();
  private final Map<String, String> options = new HashMap<>();

  private Args() {}

  static Args parse(String[] args, Set<String> valueOptions) throws UsageException {
    Args a = new Args();
    for (int i = 0; i < args.length; i++) {
      String s = args[i];
      if (s.startsWith("-") && s.length() > 1 && !isNumber(s)) {
        String name = s;
        String value = null;
        int eq = s.indexOf('=');
        if (s.startsWith("--") && eq > 0) {
          name = s.substring(0, eq);
          value = s.substring(eq + 1);
        }
        if (!valueOptions.contains(name)) {
          throw new UsageException("unknown option " + name);
        }
        if (value == null) {
          if (i + 1 >= args.length) {
            throw new UsageException(name + " needs a value");
          }
          value = args[++i];
        }
        a.options.put(name, value);
      } else {
        a.positional.add(s);
      }
    }
    return a;
  }

  private static boolean isNumber(String s) {
    return s.matches("-\\d+");
  }

  List<String> positional() {
    return positional;
  }

  void expectPositional(int min, int max) throws UsageException {
    if (positional.size() < min || positional.size() > max) {
      throw new UsageException(
          "expected "
              + (min == max ? Integer.toString(min) : min + " to " + max)
              + " arguments, got "
              + positional.size());
    }
  }

  String option(String name, String dflt) {
    return options.getOrDefault(name, dflt);
  }

  long longOption(String name, long dflt, long min, long max) throws UsageException {
    String v = options.get(name);
    return v == null ? dflt : parseLong(name, v, min, max);
  }

  static long parseLong(String what, String v, long min, long max) throws UsageException {
    long n;
    try {
      n = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new UsageException(what + ": not a number: " + v);
    }
    if (n < min || n > max) {
      throw new UsageException(what + " must be in [" + min + ", " + max + "]: " + v);
    }
    return n;
  }

  /** A byte count with an optional binary suffix: 5000, 64K, 5M, 1G. */
  static long parseSize(String what, String v) throws UsageException {
    long mult = 1;
    String num = v;
    if (!v.isEmpty()) {
      switch (Character.toUpperCase(v.charAt(v.length() - 1))) {
        case 'K' -> mult = 1L << 10;
        case 'M' -> mult = 1L << 20;
        case 'G' -> mult = 1L << 30;
        default -> mult = 1;
      }
      if (mult != 1) {
        num = v.substring(0, v.length() - 1);
      }
    }
    long n = parseLong(what, num, 0, Long.MAX_VALUE / mult);
    return n * mult;
  }
}
