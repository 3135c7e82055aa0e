package org.meshsec.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The check every file holding key material passes before it is read (the secrets file, a private
 * key): no permission for group or others, and owned by the user the daemon runs as or by root, as
 * OpenSSH demands of its private keys. A file that another user owns can be rewritten by that user
 * (chmod is the owner's right), whatever its mode says today.
 *
 * <p>Stateless and thread-safe.
 */
final class PrivateFiles {
  private static final Set<PosixFilePermission> FOREIGN =
      Set.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private PrivateFiles() {}

  /**
   * Why {@code file} must not be used, or empty if it may be. The reason names the mode or the
   * owning uid and the command that fixes it; it never quotes the file's content.
   *
   * @param what how to name the file in the reason ("secrets file", "private key ...")
   * @throws IOException if the attributes cannot be read
   * @throws UnsupportedOperationException on a file system without POSIX attributes
   */
  static Optional<String> problem(Path file, String what) throws IOException {
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, new LinkOption[0]);
    if (perms.stream().anyMatch(FOREIGN::contains)) {
      return Optional.of(
          what
              + " is accessible by group or others (mode "
              + octal(perms)
              + ", "
              + PosixFilePermissions.toString(perms)
              + "); refusing to use it: run chmod 600 "
              + file);
    }
    int owner = (Integer) Files.getAttribute(file, "unix:uid");
    int self = processUid();
    if (owner != 0 && owner != self) {
      return Optional.of(
          what
              + " is owned by uid "
              + owner
              + ", neither root nor the daemon's user (uid "
              + self
              + "), who could rewrite it; refusing to use it: run chown "
              + (self == 0 ? "root" : Integer.toString(self))
              + " "
              + file);
    }
    return Optional.empty();
  }

  /** The effective uid of this process: the owner of {@code /proc/self}. */
  static int processUid() throws IOException {
    return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
  }

  /** The permission bits in octal, e.g. {@code 0644}. */
  static String octal(Set<PosixFilePermission> perms) {
    int bits = 0;
    for (PosixFilePermission p : perms) {
      bits |= 1 << (8 - p.ordinal());
    }
    return String.format("%04o", bits);
  }
}
