package org.meshsec.esp.crypto;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.AEADCipher;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.crypto.modes.CBCModeCipher;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.meshsec.esp.CryptoEngine;
import org.meshsec.esp.EncrAlgorithm;
import org.meshsec.esp.IntegAlgorithm;

/**
 * Bouncy Castle's lightweight API: {@link GCMBlockCipher} over {@link AESEngine}, {@link
 * ChaCha20Poly1305}, {@link CBCBlockCipher} and {@link HMac} with the SHA-2 digests. Pure Java, so
 * it works on any JVM, but without AES intrinsics it is an order of magnitude slower than JCA for
 * AES-GCM (bench/RESULTS.md measures both engines).
 *
 * <p>The lightweight API works on arrays: heap buffers are processed in their backing array, direct
 * buffers through a reused scratch array (two copies per packet). The AEAD ciphers are keyed once;
 * later inits pass a null key so that the key schedule is not rebuilt per packet, but each init
 * still allocates one {@link AEADParameters}, and Bouncy Castle's GCM allocates its internal
 * buffers on init.
 *
 * <p>Stateless and thread-safe; the ciphers it creates are not.
 */
public final class BcCryptoEngine implements CryptoEngine {

  /** The single instance. */
  public static final BcCryptoEngine INSTANCE = new BcCryptoEngine();

  private BcCryptoEngine() {}

  @Override
  public String name() {
    return "bc";
  }

  @Override
  public AeadCipher newAead(EncrAlgorithm encr, byte[] key) {
    if (encr.equals(EncrAlgorithm.AES_GCM_16) || encr.equals(EncrAlgorithm.AES_GCM_12)) {
      JcaCryptoEngine.checkAesKey(key);
      return new Aead(
          GCMBlockCipher.newInstance(AESEngine.newInstance()),
          key,
          encr.equals(EncrAlgorithm.AES_GCM_12) ? 12 : TAG_LENGTH_16);
    }
    if (encr.equals(EncrAlgorithm.CHACHA20_POLY1305)) {
      if (key.length != 32) {
        throw new IllegalArgumentException("ChaCha20 needs a 32-byte key, got " + key.length);
      }
      return new Aead(new ChaCha20Poly1305(), key, TAG_LENGTH_16);
    }
    throw new IllegalArgumentException("not an AEAD algorithm: " + encr);
  }

  @Override
  public CbcCipher newAesCbc(byte[] key) {
    JcaCryptoEngine.checkAesKey(key);
    return new Cbc(key);
  }

  @Override
  public IcvMac newHmac(IntegAlgorithm integ, byte[] key) {
    Digest digest =
        switch (integ.id()) {
          case 2 -> new SHA1Digest();
          case 12 -> new SHA256Digest();
          case 13 -> new SHA384Digest();
          case 14 -> new SHA512Digest();
          default -> throw new IllegalArgumentException("not an HMAC algorithm: " + integ);
        };
    return new Hmac(digest, key);
  }

  @Override
  public String toString() {
    return "CryptoEngine[bc]";
  }

  private static final int TAG_LENGTH_16 = AeadCipher.TAG_LENGTH;

  private static final class Aead implements AeadCipher {
    private final AEADCipher cipher;
    private final KeyParameter key;
    private final int tagLength;
    private final Scratch scratch = new Scratch();
    private boolean keyed;
    private boolean closed;

    Aead(AEADCipher cipher, byte[] keyBytes, int tagLength) {
      this.cipher = cipher;
      this.key = new KeyParameter(keyBytes); // copies
      this.tagLength = tagLength;
    }

    @Override
    public int tagLength() {
      return tagLength;
    }

    private void init(boolean encrypt, byte[] nonce) {
      // The key schedule is built on the first init only; null means "same key, new nonce".
      byte[] n = Arrays.copyOf(nonce, NONCE_LENGTH);
      cipher.init(encrypt, new AEADParameters(keyed ? null : key, tagLength * 8, n));
      keyed = true;
    }

    @Override
    public void seal(byte[] nonce, byte[] aad, int aadLength, ByteBuffer buf, int off, int len) {
      if (closed) {
        throw new IllegalStateException("closed");
      }
      try {
        init(true, nonce);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("AEAD encryption refused: " + e.getMessage(), e);
      }
      cipher.processAADBytes(aad, 0, aadLength);
      byte[] a;
      int o;
      if (buf.hasArray()) {
        a = buf.array();
        o = buf.arrayOffset() + off;
      } else {
        a = scratch.load(buf, off, len + tagLength);
        o = 0;
      }
      try {
        int n = cipher.processBytes(a, o, len, a, o);
        cipher.doFinal(a, o + n);
      } catch (InvalidCipherTextException e) {
        throw new IllegalStateException("AEAD encryption failed", e);
      }
      if (!buf.hasArray()) {
        scratch.store(buf, off, len + tagLength);
      }
    }

    @Override
    public boolean open(byte[] nonce, byte[] aad, int aadLength, ByteBuffer buf, int off, int len) {
      if (closed) {
        return false;
      }
      try {
        init(false, nonce);
        cipher.processAADBytes(aad, 0, aadLength);
        byte[] a;
        int o;
        if (buf.hasArray()) {
          a = buf.array();
          o = buf.arrayOffset() + off;
        } else {
          a = scratch.load(buf, off, len + tagLength);
          o = 0;
        }
        int n = cipher.processBytes(a, o, len + tagLength, a, o);
        cipher.doFinal(a, o + n);
        if (!buf.hasArray()) {
          scratch.store(buf, off, len);
        }
        return true;
      } catch (InvalidCipherTextException | RuntimeException e) {
        cipher.reset();
        return false;
      }
    }

    @Override
    public void close() {
      closed = true;
      Arrays.fill(key.getKey(), (byte) 0); // getKey() returns the parameter's own array
      scratch.wipe();
    }
  }

  /** AES-CBC initialised once with a zero IV; {@code reset()} rewinds the chain per packet. */
  private static final class Cbc implements CbcCipher {
    private final CBCModeCipher enc = CBCBlockCipher.newInstance(AESEngine.newInstance());
    private final CBCModeCipher dec = CBCBlockCipher.newInstance(AESEngine.newInstance());
    private final KeyParameter key;
    private final Scratch scratch = new Scratch();
    private boolean closed;

    Cbc(byte[] keyBytes) {
      key = new KeyParameter(keyBytes);
      byte[] zero = new byte[BLOCK_SIZE];
      enc.init(true, new ParametersWithIV(key, zero));
      dec.init(false, new ParametersWithIV(key, zero));
    }

    @Override
    public void encrypt(byte[] iv, int ivOff, ByteBuffer buf, int off, int len) {
      check(len);
      byte[] a;
      int o;
      if (buf.hasArray()) {
        a = buf.array();
        o = buf.arrayOffset() + off;
      } else {
        a = scratch.load(buf, off, len);
        o = 0;
      }
      for (int i = 0; i < BLOCK_SIZE; i++) {
        a[o + i] ^= iv[ivOff + i];
      }
      enc.reset();
      enc.processBlocks(a, o, len / BLOCK_SIZE, a, o);
      if (!buf.hasArray()) {
        scratch.store(buf, off, len);
      }
    }

    @Override
    public void decrypt(byte[] iv, int ivOff, ByteBuffer buf, int off, int len) {
      check(len);
      byte[] a;
      int o;
      if (buf.hasArray()) {
        a = buf.array();
        o = buf.arrayOffset() + off;
      } else {
        a = scratch.load(buf, off, len);
        o = 0;
      }
      dec.reset();
      dec.processBlocks(a, o, len / BLOCK_SIZE, a, o);
      for (int i = 0; i < BLOCK_SIZE; i++) {
        a[o + i] ^= iv[ivOff + i];
      }
      if (!buf.hasArray()) {
        scratch.store(buf, off, len);
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
      Arrays.fill(key.getKey(), (byte) 0);
      scratch.wipe();
    }
  }

  private static final class Hmac implements IcvMac {
    private final HMac mac;
    private final byte[] chunk = new byte[256];
    private boolean closed;

    Hmac(Digest digest, byte[] keyBytes) {
      mac = new HMac(digest);
      mac.init(new KeyParameter(keyBytes));
    }

    @Override
    public int macLength() {
      return mac.getMacSize();
    }

    @Override
    public void update(byte[] b, int off, int len) {
      mac.update(b, off, len);
    }

    @Override
    public void update(ByteBuffer buf, int off, int len) {
      if (buf.hasArray()) {
        mac.update(buf.array(), buf.arrayOffset() + off, len);
        return;
      }
      while (len > 0) {
        int n = Math.min(len, chunk.length);
        buf.get(off, chunk, 0, n);
        mac.update(chunk, 0, n);
        off += n;
        len -= n;
      }
    }

    @Override
    public void doFinal(byte[] out, int outOff) {
      if (closed) {
        throw new IllegalStateException("closed");
      }
      mac.doFinal(out, outOff);
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        // Re-keying overwrites HMac's padded-key buffers; the old pre-computed states are dropped.
        mac.init(new KeyParameter(new byte[mac.getMacSize()]));
        Arrays.fill(chunk, (byte) 0);
      }
    }
  }
}
