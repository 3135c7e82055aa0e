package org.meshsec.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Walks every subcommand of {@code meshsec}: each answers {@code --help} and {@code -h} with its
 * own usage and exit 0, each option and parameter is described, and a word that is no subcommand is
 * a usage error wherever it appears.
 */
class CommandTreeTest {
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  /** Every command path below the root, e.g. ["sa", "list"], depth first. */
  static List<List<String>> paths() {
    List<List<String>> paths = new ArrayList<>();
    CommandLine root =
        Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    walk(root, new ArrayList<>(), paths);
    return paths;
  }

  private static void walk(CommandLine cl, List<String> prefix, List<List<String>> out) {
    for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
      if (!e.getKey().equals(e.getValue().getCommandName())) {
        continue; // an alias
      }
      List<String> p = new ArrayList<>(prefix);
      p.add(e.getKey());
      out.add(p);
      walk(e.getValue(), p, out);
    }
  }

  @Test
  void theWalkFindsTheNestedCommands() {
    List<List<String>> paths = paths();
    assertTrue(paths.contains(List.of("sa", "list")), paths.toString());
    assertTrue(paths.contains(List.of("ike", "list")), paths.toString());
    assertTrue(paths.size() >= 15, paths.toString());
  }

  @Test
  void everyCommandAnswersHelpAndDashH() {
    for (List<String> path : paths()) {
      for (String flag : new String[] {"--help", "-h"}) {
        List<String> args = new ArrayList<>(path);
        args.add(flag);
        Run r = run(args.toArray(String[]::new));
        String label = String.join(" ", args);
        assertEquals(0, r.code(), label + ": " + r.err());
        assertTrue(
            r.out().contains("Usage: meshsec " + String.join(" ", path) + " "),
            label + ":\n" + r.out());
        assertEquals("", r.err(), label);
      }
    }
  }

  @Test
  void everyCommandOptionAndParameterIsDescribed() {
    List<String> missing = new ArrayList<>();
    CommandLine root =
        Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    check(root.getCommandSpec(), "meshsec", missing);
    for (List<String> path : paths()) {
      CommandLine cl = root;
      for (String w : path) {
        cl = cl.getSubcommands().get(w);
      }
      check(cl.getCommandSpec(), "meshsec " + String.join(" ", path), missing);
    }
    assertEquals(List.of(), missing);
  }

  private static void check(CommandSpec spec, String name, List<String> missing) {
    if (spec.usageMessage().description().length == 0
        || spec.usageMessage().description()[0].isBlank()) {
      missing.add(name + " (the command)");
    }
    for (ArgSpec a : spec.args()) {
      String[] d = a.description();
      if (d.length == 0 || d[0].isBlank()) {
        missing.add(name + " " + a.paramLabel() + (a.isOption() ? " (option)" : ""));
      }
    }
  }

  @Test
  void anUnknownSubcommandIsAUsageErrorEvenWithHelp() {
    for (String[] args :
        new String[][] {
          {"nosuch"},
          {"nosuch", "--help"},
          {"--help", "nosuch"},
          {"nosuch", "-h"},
          {"ike", "nosuch"},
          {"ike", "nosuch", "--help"},
          {"sa", "nosuch", "-h"},
          {"pki", "nosuch", "--help"}
        }) {
      Run r = run(args);
      String label = String.join(" ", args);
      assertEquals(ExitCode.USAGE.code(), r.code(), label + ": " + r.out() + r.err());
      assertTrue(r.err().contains("'nosuch'"), label + ": " + r.err());
      assertFalse(r.out().contains("Usage:"), label + ": " + r.out());
    }
  }
}
