package org.meshsec.core.config.mesh;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.meshsec.esp.SecretBytes;

/**
 * The pre-shared key of one pair of mesh nodes, derived from the mesh secret so that no two pairs
 * share a key and no file lists a key per pair. Any implementation can derive the same key:
 *
 * <pre>
 *   lo, hi = the two node names sorted by their UTF-8 bytes (unsigned), lo first
 *   PSK    = HKDF-SHA256(IKM  = mesh secret (the bytes of its hex value in the secrets file),
 *                        salt = UTF-8("meshsec mesh psk v1"),
 *                        info = UTF-8(lo) || 0x00 || UTF-8(hi),
 *                        L    = 32 bytes)                       (RFC 5869 sections 2.2 and 2.3)
 * </pre>
 *
 * Node names cannot contain a zero byte, so the info string names exactly one pair. Both nodes of a
 * pair derive the same key; a node that learns its own pairs' keys learns nothing about the others
 * (HKDF is a PRF keyed by the mesh secret), but every holder of the mesh secret can derive every
 * pair's key: it is a secret of the whole mesh, kept like a CA key.
 *
 * <p>Stateless and thread-safe. The HKDF is Bouncy Castle's.
 */
public final class MeshPsk {
  /** The HKDF salt, which also versions the derivation. */
  public static final String SALT = "meshsec mesh psk v1";

  /** Length of a derived key in bytes (the output length of SHA-256). */
  public static final int LENGTH = 32;

  /** A mesh secret shorter than this is refused. */
  public static final int MIN_SECRET_BYTES = 32;

  private MeshPsk() {}

  /**
   * The key of the pair {@code a}-{@code b} (in either order).
   *
   * @throws IllegalArgumentException when the two names are equal
   */
  public static SecretBytes derive(SecretBytes meshSecret, String a, String b) {
    byte[] x = a.getBytes(StandardCharsets.UTF_8);
    byte[] y = b.getBytes(StandardCharsets.UTF_8);
    int c = Arrays.compareUnsigned(x, y);
    if (c == 0) {
      throw new IllegalArgumentException("a pair needs two different nodes");
    }
    byte[] lo = c < 0 ? x : y;
    byte[] hi = c < 0 ? y : x;
    byte[] info = new byte[lo.length + 1 + hi.length];
    System.arraycopy(lo, 0, info, 0, lo.length);
    System.arraycopy(hi, 0, info, lo.length + 1, hi.length);
    byte[] ikm = meshSecret.copy();
    byte[] out = new byte[LENGTH];
    try {
      HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
      hkdf.init(new HKDFParameters(ikm, SALT.getBytes(StandardCharsets.UTF_8), info));
      hkdf.generateBytes(out, 0, out.length);
      return SecretBytes.wrap(out);
    } finally {
      Arrays.fill(ikm, (byte) 0);
    }
  }
}
