package org.meshsec.core.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Writes {@link WiresharkKeyTables} into a directory as two files named after the tables ({@value
 * WiresharkKeyTables#IKE_TABLE} and {@value WiresharkKeyTables#ESP_TABLE}), the layout of
 * Wireshark's configuration directory, so the directory can be used as one (or its lines passed to
 * {@code tshark -o uat:...}); strongSwan's save-keys plugin writes the same pair.
 *
 * <p>The files hold keys, so: the directory is created with mode 0700 if missing; each file is
 * created with mode 0600, opened without following a symbolic link, and set to 0600 again if it
 * existed with another mode; a directory or file that belongs to another user (not root, not us) is
 * refused, since its owner could read or replace what we write.
 *
 * <p>Stateless; calls writing the same directory must be serialised by the caller.
 */
public final class KeyTableFiles {
  private static final Set<PosixFilePermission> FILE_MODE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIR_MODE =
      PosixFilePermissions.fromString("rwx------");

  private KeyTableFiles() {}

  /**
   * Writes {@code lines} into {@code dir}, replacing the files ({@code append} false) or adding to
   * them (true). Returns the files written.
   *
   * @throws IOException naming the path and the reason; never quoting a line
   */
  public static List<Path> write(Path dir, WiresharkKeyTables.Lines lines, boolean append)
      throws IOException {
    ensureDirectory(dir);
    List<Path> out = new ArrayList<>();
    out.add(
        writeFile(
            dir.resolve(WiresharkKeyTables.IKE_TABLE),
            "IKEv2 decryption table (Wireshark ikev2_decryption_table)",
            lines.ike(),
            append));
    out.add(
        writeFile(
            dir.resolve(WiresharkKeyTables.ESP_TABLE),
            "ESP SAs (Wireshark esp_sa)",
            lines.esp(),
            append));
    return out;
  }

  private static void ensureDirectory(Path dir) throws IOException {
    try {
      Files.createDirectories(dir.getParent() == null ? dir : dir.getParent());
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(dir + " exists and is not a directory");
      }
    }
    checkOwner(dir);
  }

  private static Path writeFile(Path file, String title, List<String> lines, boolean append)
      throws IOException {
    boolean existed = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    if (existed) {
      checkOwner(file);
    }
    OpenOption[] opts = {
      StandardOpenOption.CREATE,
      StandardOpenOption.WRITE,
      append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING,
      LinkOption.NOFOLLOW_LINKS
    };
    StringBuilder sb = new StringBuilder();
    if (!existed || !append) {
      sb.append("# ")
          .append(title)
          .append(", written by meshsec. SECRET: these keys decrypt the node's traffic.\n");
    }
    for (String l : lines) {
      sb.append(l).append('\n');
    }
    byte[] bytes = sb.toString().getBytes(StandardCharsets.US_ASCII);
    try (SeekableByteChannel ch =
        Files.newByteChannel(file, Set.of(opts), PosixFilePermissions.asFileAttribute(FILE_MODE))) {
      // mode first, content second: an existing file with a wider mode is narrowed before it
      // receives a key
      Files.setPosixFilePermissions(file, FILE_MODE);
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
    } finally {
      java.util.Arrays.fill(bytes, (byte) 0);
    }
    return file;
  }

  private static void checkOwner(Path p) throws IOException {
    int owner = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    int self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    if (owner != 0 && owner != self) {
      throw new IOException(
          p + " belongs to uid " + owner + ", neither root nor us: refusing to write keys there");
    }
  }
}
