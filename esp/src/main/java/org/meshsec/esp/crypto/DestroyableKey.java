package org.meshsec.esp.crypto;

import java.util.Arrays;
import javax.crypto.SecretKey;

/**
 * A raw {@link SecretKey} whose bytes this project owns and can wipe. {@code SecretKeySpec} cannot
 * be destroyed (its {@code destroy()} throws), so the JCA engine hands providers this key instead:
 * providers copy the bytes through {@link #getEncoded()} at {@code init} (the JDK's HMAC and AES
 * implementations wipe that copy after expanding it), and {@link #destroy()} zeroes ours.
 *
 * <p>Thread-safety: not thread-safe; owned by one cipher object. {@link #toString()} prints no key
 * bytes.
 */
final class DestroyableKey implements SecretKey {
  private static final long serialVersionUID = 1L;

  private final String algorithm;
  private final byte[] key;
  private boolean destroyed;

  DestroyableKey(String algorithm, byte[] key, int off, int len) {
    this.algorithm = algorithm;
    this.key = Arrays.copyOfRange(key, off, off + len);
  }

  @Override
  public String getAlgorithm() {
    return algorithm;
  }

  @Override
  public String getFormat() {
    return "RAW";
  }

  @Override
  public byte[] getEncoded() {
    if (destroyed) {
      throw new IllegalStateException("key destroyed");
    }
    return key.clone();
  }

  int length() {
    return key.length;
  }

  @Override
  public void destroy() {
    Arrays.fill(key, (byte) 0);
    destroyed = true;
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public String toString() {
    return "DestroyableKey[" + algorithm + ", " + key.length + " bytes]";
  }
}
