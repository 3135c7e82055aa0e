package org.meshsec.core.config;

import java.nio.file.Path;
import org.tomlj.TomlPosition;

/** A file being loaded: its path for messages, its text for positions, and the error sink. */
final class SourceFile {
  private final Path path;
  private final String[] lines;
  private final Diagnostics diag;

  SourceFile(Path path, String text, Diagnostics diag) {
    this.path = path;
    this.lines = text.split("\r?\n", -1);
    this.diag = diag;
  }

  Path path() {
    return path;
  }

  void error(int line, String reason) {
    diag.add(path, line, reason);
  }

  /**
   * The line of an array element. tomlj places an element where its leading whitespace starts (just
   * after the {@code [} or the previous comma), which is the line above in a multi-line array; skip
   * whitespace and comments from there to the element itself.
   */
  int elementLine(TomlPosition p, int fallback) {
    if (p == null) {
      return fallback;
    }
    int line = p.line();
    int col = p.column() - 1;
    while (line >= 1 && line <= lines.length) {
      String s = lines[line - 1];
      while (col < s.length() && (s.charAt(col) == ' ' || s.charAt(col) == '\t')) {
        col++;
      }
      if (col < s.length() && s.charAt(col) != '#') {
        return line;
      }
      line++;
      col = 0;
    }
    return p.line();
  }
}
