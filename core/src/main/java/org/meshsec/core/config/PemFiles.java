package org.meshsec.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.meshsec.ike.pki.Pem;
import org.meshsec.ike.pki.PkiException;

/**
 * Certificate and private-key files named by a {@code [[peer]]}: size-bounded reads, the
 * private-file check on keys, PEM decoding; problems reported at the key's line. Stateless; no key
 * bytes ever reach a message.
 */
final class PemFiles {
  /** Certificate and key files are small; refuse anything bigger unread. */
  static final long MAX_PEM_SIZE = 1 << 20;

  private PemFiles() {}

  private static String readPem(TomlSection s, String key, int line, Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        s.errorAt(
            line,
            s.where()
                + " "
                + key
                + ": "
                + file
                + (Files.exists(file) ? " is not a regular file" : " does not exist"));
        return null;
      }
      return FileText.read(file, MAX_PEM_SIZE);
    } catch (IOException e) {
      s.errorAt(
          line, s.where() + " " + key + ": cannot read " + file + ": " + FileText.describe(e));
      return null;
    }
  }

  static List<X509Certificate> certificates(TomlSection s, String key, Path file) {
    return certificates(s, key, s.lineOf(key), file);
  }

  static List<X509Certificate> certificates(TomlSection s, String key, int line, Path file) {
    String pem = readPem(s, key, line, file);
    if (pem == null) {
      return null;
    }
    try {
      List<X509Certificate> certs = Pem.readCertificates(pem);
      if (certs.isEmpty()) {
        throw new PkiException("no certificate found");
      }
      return certs;
    } catch (PkiException e) {
      s.errorAt(line, s.where() + " " + key + ": " + file + ": " + e.getMessage());
      return null;
    }
  }

  static PrivateKey privateKey(TomlSection s, Path file) {
    int line = s.lineOf("key");
    try {
      if (Files.isRegularFile(file)) {
        Optional<String> problem = PrivateFiles.problem(file, s.where() + " key " + file);
        if (problem.isPresent()) {
          s.errorAt(line, problem.get());
          return null;
        }
      }
    } catch (IOException | UnsupportedOperationException e) {
      s.errorAt(line, s.where() + " key: cannot check the permissions of " + file);
      return null;
    }
    String pem = readPem(s, "key", line, file);
    if (pem == null) {
      return null;
    }
    try {
      return Pem.readPrivateKey(pem);
    } catch (PkiException e) {
      // the message names object kinds only, never key bytes
      s.errorAt(line, s.where() + " key: " + file + ": " + e.getMessage());
      return null;
    }
  }
}
