package org.meshsec.ike.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.meshsec.esp.SecretBytes;

/**
 * The negotiated pseudorandom function prf(K, S) and its expansion prf+ (RFC 7296 section 2.13),
 * over HMAC (RFC 2104) with SHA-1 or SHA-2 (RFC 4868).
 *
 * <p>Instances are immutable and thread-safe: each call obtains its own {@link Mac}. The default
 * uses the JDK's providers; {@link #of(PrfAlgorithm, Provider)} selects another (Bouncy Castle) so
 * both can pass the same known-answer tests.
 */
public final class Prf {

  /** RFC 7296 section 2.13: the counter octet limits prf+ to 255 blocks. */
  public static final int MAX_BLOCKS = 255;

  private final PrfAlgorithm algorithm;
  private final Provider provider;

  private Prf(PrfAlgorithm algorithm, Provider provider) {
    this.algorithm = algorithm;
    this.provider = provider;
  }

  /**
   * The PRF for {@code algorithm} on the JDK's default providers.
   *
   * @throws IllegalArgumentException if the algorithm is not supported
   */
  public static Prf of(PrfAlgorithm algorithm) {
    return of(algorithm, null);
  }

  /**
   * The PRF for {@code algorithm} from a given JCA provider (null: the default providers).
   *
   * @throws IllegalArgumentException if the algorithm is not supported (by meshsec or the provider)
   */
  public static Prf of(PrfAlgorithm algorithm, Provider provider) {
    if (!algorithm.isSupported()) {
      throw new IllegalArgumentException("unsupported PRF " + algorithm);
    }
    Prf prf = new Prf(algorithm, provider);
    try {
      prf.newMac();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalArgumentException(algorithm + " not available from the provider", e);
    }
    return prf;
  }

  /** The transform this PRF implements. */
  public PrfAlgorithm algorithm() {
    return algorithm;
  }

  /** Output length in bytes. */
  public int outputLength() {
    return algorithm.outputLength();
  }

  /** Preferred key length in bytes (the length of SK_d, SK_pi, SK_pr). */
  public int keyLength() {
    return algorithm.keyLength();
  }

  /**
   * prf(key, data[0] | data[1] | ...). HMAC takes keys of any non-zero length, so no padding rule
   * applies (RFC 7296 section 2.13 mentions it only for fixed-key PRFs).
   */
  public byte[] compute(byte[] key, byte[]... data) {
    Mac mac = init(key);
    for (byte[] d : data) {
      mac.update(d);
    }
    return mac.doFinal();
  }

  /** prf(key, data...) with a secret key. */
  public byte[] compute(SecretBytes key, byte[]... data) {
    return key.withBytes(k -> compute(k, data));
  }

  /**
   * prf+(key, seed) truncated to {@code length} bytes (RFC 7296 section 2.13):
   *
   * <pre>
   * prf+ (K,S) = T1 | T2 | T3 | T4 | ...
   * T1 = prf (K, S | 0x01)
   * T2 = prf (K, T1 | S | 0x02)
   * T3 = prf (K, T2 | S | 0x03)
   * </pre>
   *
   * @throws IllegalArgumentException if more than 255 blocks would be needed
   */
  public SecretBytes expand(byte[] key, byte[] seed, int length) {
    int h = outputLength();
    int blocks = (length + h - 1) / h;
    if (length < 0 || blocks > MAX_BLOCKS) {
      throw new IllegalArgumentException(
          "prf+ can produce at most " + (MAX_BLOCKS * h) + " bytes, asked for " + length);
    }
    byte[] out = new byte[length];
    Mac mac = init(key);
    byte[] t = new byte[0];
    int off = 0;
    for (int i = 1; i <= blocks; i++) {
      mac.update(t);
      mac.update(seed);
      mac.update((byte) i);
      byte[] next = mac.doFinal(); // doFinal resets the MAC, keeping the key
      Arrays.fill(t, (byte) 0);
      t = next;
      int n = Math.min(h, length - off);
      System.arraycopy(t, 0, out, off, n);
      off += n;
    }
    Arrays.fill(t, (byte) 0);
    return SecretBytes.wrap(out);
  }

  /** prf+ with a secret key. */
  public SecretBytes expand(SecretBytes key, byte[] seed, int length) {
    return key.withBytes(k -> expand(k, seed, length));
  }

  private Mac newMac() throws NoSuchAlgorithmException {
    String name = algorithm.jcaName();
    return provider == null ? Mac.getInstance(name) : Mac.getInstance(name, provider);
  }

  private Mac init(byte[] key) {
    if (key == null || key.length == 0) {
      // Never happens in IKEv2 (nonces, SK_d, PSKs are non-empty); SecretKeySpec refuses it.
      throw new IllegalArgumentException("PRF key must not be empty");
    }
    try {
      Mac mac = newMac();
      mac.init(new SecretKeySpec(key, algorithm.jcaName()));
      return mac;
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("PRF key refused", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "Prf[" + algorithm + (provider == null ? "" : ", " + provider.getName()) + "]";
  }
}
