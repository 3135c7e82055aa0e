package org.meshsec.esp.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import org.meshsec.esp.CryptoEngine;
import org.meshsec.esp.EncrAlgorithm;
import org.meshsec.esp.IntegAlgorithm;

/**
 * The JDK's JCA provider: {@code AES/GCM/NoPadding}, {@code ChaCha20-Poly1305}, {@code
 * AES/CBC/NoPadding} and {@code HmacSHA256/384/512}. HotSpot compiles AES-GCM, AES-CBC and SHA-2 to
 * AES-NI/CLMUL/SHA intrinsics where the CPU has them, which is why this is the preferred engine for
 * AES (bench/RESULTS.md measures both engines).
 *
 * <p><b>Per-packet allocation.</b> JCA has no way to re-key an AEAD cipher with a new nonce without
 * an {@link AlgorithmParameterSpec}, and both {@link GCMParameterSpec} and {@link IvParameterSpec}
 * are immutable and clone the nonce: so every AEAD packet allocates one spec and its 12-byte copy,
 * plus what the provider allocates inside {@code init} and {@code doFinal} (JDK 17's
 * ChaCha20-Poly1305 buffers the whole ciphertext of a decryption in a fresh stream). CBC avoids a
 * per-packet {@code init} entirely (see {@link CbcCipher}); HMAC is keyed once per SA. Input and
 * output never alias and direct buffers go through reused scratch arrays, because both in-place
 * {@code doFinal} and {@code doFinal(ByteBuffer, ByteBuffer)} on direct buffers made the JDK 17
 * providers allocate per packet (see {@link #crypt}). EspAllocationTest measures the totals.
 *
 * <p>Stateless and thread-safe; the ciphers it creates are not.
 */
public final class JcaCryptoEngine implements CryptoEngine {

  /** The single instance. */
  public static final JcaCryptoEngine INSTANCE = new JcaCryptoEngine();

  private JcaCryptoEngine() {}

  @Override
  public String name() {
    return "jca";
  }

  /** Whether this JDK's providers offer ChaCha20-Poly1305 (JDK 11 and later do). */
  public static boolean hasChaCha20Poly1305() {
    try {
      Cipher.getInstance("ChaCha20-Poly1305");
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  @Override
  public AeadCipher newAead(EncrAlgorithm encr, byte[] key) {
    if (encr.equals(EncrAlgorithm.AES_GCM_16) || encr.equals(EncrAlgorithm.AES_GCM_12)) {
      checkAesKey(key);
      return new Aead(
          cipher("AES/GCM/NoPadding"),
          new DestroyableKey("AES", key, 0, key.length),
          encr.equals(EncrAlgorithm.AES_GCM_12) ? 12 : TAG_LENGTH_16);
    }
    if (encr.equals(EncrAlgorithm.CHACHA20_POLY1305)) {
      if (key.length != 32) {
        throw new IllegalArgumentException("ChaCha20 needs a 32-byte key, got " + key.length);
      }
      return new Aead(
          cipher("ChaCha20-Poly1305"),
          new DestroyableKey("ChaCha20", key, 0, key.length),
          TAG_LENGTH_16);
    }
    throw new IllegalArgumentException("not an AEAD algorithm: " + encr);
  }

  @Override
  public CbcCipher newAesCbc(byte[] key) {
    checkAesKey(key);
    return new Cbc(key);
  }

  @Override
  public IcvMac newHmac(IntegAlgorithm integ, byte[] key) {
    String name = integ.jcaName();
    if (name == null) {
      throw new IllegalArgumentException("not an HMAC algorithm: " + integ);
    }
    return new Hmac(name, key);
  }

  private static final int TAG_LENGTH_16 = AeadCipher.TAG_LENGTH;

  static void checkAesKey(byte[] key) {
    if (key.length != 16 && key.length != 32) {
      throw new IllegalArgumentException("AES key must be 16 or 32 bytes, got " + key.length);
    }
  }

  private static Cipher cipher(String transformation) {
    try {
      return Cipher.getInstance(transformation);
    } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
      throw new IllegalStateException("JCA provider lacks " + transformation, e);
    }
  }

  @Override
  public String toString() {
    return "CryptoEngine[jca]";
  }

  /** AES-GCM-16 or ChaCha20-Poly1305 over one JCA {@link Cipher}, re-initialised per packet. */
  private static final class Aead implements AeadCipher {
    private final Cipher cipher;
    private final DestroyableKey key;
    private final boolean gcm;
    private final int tagLength;
    private final Scratch in = new Scratch();
    private final Scratch out = new Scratch();
    private boolean closed;

    Aead(Cipher cipher, DestroyableKey key, int tagLength) {
      this.cipher = cipher;
      this.key = key;
      this.tagLength = tagLength;
      this.gcm = cipher.getAlgorithm().startsWith("AES");
    }

    private AlgorithmParameterSpec spec(byte[] nonce) {
      // One immutable spec per packet: JCA offers no way to change only the nonce.
      return gcm
          ? new GCMParameterSpec(tagLength * 8, nonce, 0, NONCE_LENGTH)
          : new IvParameterSpec(nonce, 0, NONCE_LENGTH);
    }

    @Override
    public int tagLength() {
      return tagLength;
    }

    @Override
    public void seal(byte[] nonce, byte[] aad, int aadLength, ByteBuffer buf, int off, int len) {
      if (closed) {
        throw new IllegalStateException("closed");
      }
      try {
        cipher.init(Cipher.ENCRYPT_MODE, key, spec(nonce));
        cipher.updateAAD(aad, 0, aadLength);
        crypt(cipher, buf, off, len, len + tagLength, in, out);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AEAD encryption refused: " + e.getMessage(), e);
      }
    }

    @Override
    public boolean open(byte[] nonce, byte[] aad, int aadLength, ByteBuffer buf, int off, int len) {
      if (closed) {
        return false;
      }
      try {
        initDecrypt(nonce);
        cipher.updateAAD(aad, 0, aadLength);
        crypt(cipher, buf, off, len + tagLength, len, in, out);
        return true;
      } catch (AEADBadTagException e) {
        return false;
      } catch (GeneralSecurityException | RuntimeException e) {
        // Any other refusal of received bytes is an authentication failure too: never throw.
        return false;
      }
    }

    /**
     * The JDK's ChaCha20-Poly1305 refuses an init with the key and nonce of the previous init even
     * for decryption, so a forged packet carrying the IV of the next genuine one would make that
     * genuine packet fail. On that refusal, re-init once with a different nonce in between.
     */
    private void initDecrypt(byte[] nonce) throws GeneralSecurityException {
      try {
        cipher.init(Cipher.DECRYPT_MODE, key, spec(nonce));
      } catch (InvalidKeyException sameKeyAndNonce) {
        byte[] other = Arrays.copyOf(nonce, NONCE_LENGTH);
        other[NONCE_LENGTH - 1] ^= 1;
        cipher.init(Cipher.DECRYPT_MODE, key, spec(other));
        cipher.init(Cipher.DECRYPT_MODE, key, spec(nonce));
      }
    }

    @Override
    public void close() {
      closed = true;
      key.destroy();
      in.wipe();
      out.wipe();
    }
  }

  /**
   * {@code c.doFinal} from {@code buf[off, off+inLen)} into {@code buf[off, off+outLen)} through
   * the scratch arrays: the output goes to a scratch array and is copied back, so input and output
   * never alias. Measured on JDK 17 (EspAllocationTest), in-place {@code doFinal} on one array
   * makes the provider copy the whole input per call, and {@code doFinal(ByteBuffer, ByteBuffer)}
   * on direct buffers allocates several kilobytes per packet; one copy back through a reused array
   * allocates nothing. Direct buffers are also loaded into the input scratch array first.
   */
  private static void crypt(
      Cipher c, ByteBuffer buf, int off, int inLen, int outLen, Scratch in, Scratch out)
      throws GeneralSecurityException {
    byte[] dst = out.get(outLen);
    if (buf.hasArray()) {
      byte[] a = buf.array();
      int o = buf.arrayOffset() + off;
      c.doFinal(a, o, inLen, dst, 0);
      System.arraycopy(dst, 0, a, o, outLen);
    } else {
      byte[] src = in.load(buf, off, inLen);
      c.doFinal(src, 0, inLen, dst, 0);
      out.store(buf, off, outLen);
    }
  }

  /** AES-CBC over two JCA ciphers initialised once with a zero IV (see {@link CbcCipher}). */
  private static final class Cbc implements CbcCipher {
    private final Cipher enc;
    private final Cipher dec;
    private final DestroyableKey key;
    private final Scratch in = new Scratch();
    private final Scratch out = new Scratch();
    private boolean closed;

    Cbc(byte[] keyBytes) {
      key = new DestroyableKey("AES", keyBytes, 0, keyBytes.length);
      enc = cipher("AES/CBC/NoPadding");
      dec = cipher("AES/CBC/NoPadding");
      IvParameterSpec zero = new IvParameterSpec(new byte[BLOCK_SIZE]);
      try {
        enc.init(Cipher.ENCRYPT_MODE, key, zero);
        dec.init(Cipher.DECRYPT_MODE, key, zero);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-CBC init failed", e);
      }
    }

    @Override
    public void encrypt(byte[] iv, int ivOff, ByteBuffer buf, int off, int len) {
      check(len);
      // CBC with IV = E(P1 xor IV) ...: XOR the IV into the first block, encrypt with zero IV.
      for (int i = 0; i < BLOCK_SIZE; i++) {
        buf.put(off + i, (byte) (buf.get(off + i) ^ iv[ivOff + i]));
      }
      try {
        // doFinal leaves the cipher reset to its init state (zero IV) for the next packet.
        crypt(enc, buf, off, len, len, in, out);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-CBC encryption failed", e);
      }
    }

    @Override
    public void decrypt(byte[] iv, int ivOff, ByteBuffer buf, int off, int len) {
      check(len);
      try {
        crypt(dec, buf, off, len, len, in, out);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-CBC decryption failed", e);
      }
      for (int i = 0; i < BLOCK_SIZE; i++) {
        buf.put(off + i, (byte) (buf.get(off + i) ^ iv[ivOff + i]));
      }
    }

    private void check(int len) {
      if (closed) {
        throw new IllegalStateException("closed");
      }
      if (len <= 0 || len % BLOCK_SIZE != 0) {
        throw new IllegalArgumentException("CBC length must be a positive multiple of 16: " + len);
      }
    }

    @Override
    public void close() {
      closed = true;
      key.destroy();
      in.wipe();
      out.wipe();
    }
  }

  /** HMAC-SHA-2 over one JCA {@link Mac}, keyed once. */
  private static final class Hmac implements IcvMac {
    private final Mac mac;
    private final DestroyableKey key;
    private boolean closed;

    Hmac(String name, byte[] keyBytes) {
      key = new DestroyableKey(name, keyBytes, 0, keyBytes.length);
      try {
        mac = Mac.getInstance(name);
        mac.init(key);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("JCA provider lacks " + name, e);
      }
    }

    @Override
    public int macLength() {
      return mac.getMacLength();
    }

    @Override
    public void update(byte[] b, int off, int len) {
      mac.update(b, off, len);
    }

    @Override
    public void update(ByteBuffer buf, int off, int len) {
      if (buf.hasArray()) {
        mac.update(buf.array(), buf.arrayOffset() + off, len);
      } else {
        int position = buf.position();
        int limit = buf.limit();
        buf.clear().position(off).limit(off + len);
        mac.update(buf);
        buf.limit(limit).position(position);
      }
    }

    @Override
    public void doFinal(byte[] out, int outOff) {
      if (closed) {
        throw new IllegalStateException("closed");
      }
      try {
        mac.doFinal(out, outOff);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HMAC failed", e);
      }
    }

    @Override
    public void close() {
      closed = true;
      mac.reset();
      key.destroy();
    }
  }
}
