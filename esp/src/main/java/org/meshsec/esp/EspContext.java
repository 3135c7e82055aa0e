package org.meshsec.esp;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.meshsec.esp.crypto.AeadCipher;
import org.meshsec.esp.crypto.CbcCipher;
import org.meshsec.esp.crypto.IcvMac;
import org.meshsec.esp.replay.ReplayWindow;

/**
 * The RFC 4303 transform for one SA in one direction: SPI, sequence numbers (with ESN, section
 * 2.2.1), IV, padding, encryption and ICV.
 *
 * <p><b>Buffer contract.</b> {@link #seal} takes a buffer whose readable bytes are the payload (the
 * inner IP packet in tunnel mode, the transport segment in transport mode), with at least {@link
 * #headroom()} bytes before {@code readerIndex} and at least {@link #tailroom()} writable bytes
 * after {@code writerIndex}. It builds the ESP header in front of the payload and the trailer and
 * ICV after it, encrypting in place; on {@code OK} the readable bytes are exactly the ESP packet
 * (SPI through ICV). {@link #open} takes a buffer whose readable bytes are exactly one ESP packet;
 * on {@code OK} the readable bytes are the decrypted payload and {@code out} holds the next header
 * and sequence number. On any other status the buffer's indexes are unspecified and the caller
 * drops the packet. Neither method retains or releases the buffer.
 *
 * <p><b>Packet layout</b> (RFC 4303 section 2; IV per RFC 4106 section 3.1, RFC 7634 section 2, RFC
 * 3602 section 3):
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               Security Parameters Index (SPI)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Sequence Number (low 32 bits)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        IV (8 bytes for GCM / ChaCha20-Poly1305, 16 for CBC)   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ---
 * |                    Payload Data (variable)                    |  ^
 * +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  | encrypted
 * |               |     Padding 1, 2, 3, ... (0-255 bytes)        |  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  |
 * |                               |  Pad Length   | Next Header   |  v
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ---
 * |         Integrity Check Value (16 bytes AEAD, 16/24/32 HMAC)  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>AEAD: nonce = salt(4) || IV(8); AAD = SPI || Seq (8 bytes) or, with ESN, SPI || Seq high ||
 * Seq low (12 bytes) (RFC 4106 sections 4-5, RFC 7634 section 2.1). CBC + HMAC: encrypt, then the
 * ICV is the truncated HMAC over SPI || Seq || IV || ciphertext and, with ESN, the high 32 sequence
 * bits appended but not sent (RFC 4303 sections 2.2.1 and 3.3.2.1, RFC 4868 section 2.3).
 *
 * <p><b>Inbound order</b>: replay check (which also infers the ESN high bits that enter the ICV),
 * ICV verification (in constant time, before any decryption), decryption, trailer checks, then the
 * replay commit: a forged packet never moves the window (RFC 4303 section 3.4.3). Every failure is
 * an {@link EspStatus}; no input bytes make {@link #open} throw.
 *
 * <p><b>Allocation.</b> Per-SA cipher objects and scratch arrays are created once. The buffer is
 * reached through {@link ByteBuf#internalNioBuffer}, which Netty caches per buffer; composite
 * buffers with several components are copied through a scratch array. What the crypto providers
 * allocate per packet is documented on {@link org.meshsec.esp.crypto.JcaCryptoEngine} and {@link
 * org.meshsec.esp.crypto.BcCryptoEngine}.
 *
 * <p><b>Thread-safety.</b> Not thread-safe. Outbound sequence numbers must be assigned in order,
 * and the inbound replay window is not thread-safe ({@link org.meshsec.esp.replay.ReplayWindow}),
 * so the caller serialises all calls on one context (one event loop, or the SA's lock). To open the
 * packets of one SA on several threads, {@link #open} comes in three steps: {@link #openCheck} and
 * {@link #openCommit} on the SA's one context, serialised, and {@link #openCrypto} (the ICV and the
 * decryption, no replay state) on one more inbound context of the same SA per thread.
 */
public final class EspContext implements AutoCloseable {

  private static final long MAX_SEQ_32 = 0xFFFF_FFFFL;
  private static final long MAX_SEQ_64 = -1L; // 2^64 - 1 as an unsigned long

  private final boolean outbound;
  private final int spi;
  private final EspSuite suite;
  private final boolean esn;
  private final boolean aeadMode;
  private final int headerLength;
  private final int ivLength;
  private final int icvLength;
  private final int blockSize;

  private final AeadCipher aead;
  private final CbcCipher cbc;
  private final IcvMac mac;
  private final IvSource ivSource;
  private final ReplayWindow replay;

  /** Salt for the AEAD nonce (secret key material, wiped on close). */
  private final byte[] nonce = new byte[AeadCipher.NONCE_LENGTH];

  private final byte[] aad = new byte[12];
  private final byte[] iv = new byte[16];
  private final byte[] seqHigh = new byte[4];
  private final byte[] icvCalc;
  private final byte[] icvRecv;
  private byte[] composite = new byte[0];
  private ByteBuffer compositeView;

  /** Outbound: last sequence number sent (unsigned). */
  private long seq;

  private boolean closed;

  private EspContext(
      boolean outbound,
      EspSaParams params,
      CryptoEngine engine,
      IvSource ivSource,
      long initialSequence) {
    this.outbound = outbound;
    this.spi = params.spi();
    this.suite = params.suite();
    this.esn = params.esn();
    this.aeadMode = suite.encr().isAead();
    this.headerLength = suite.headerLength();
    this.ivLength = suite.ivLength();
    this.icvLength = suite.icvLength();
    this.blockSize = suite.blockSize();
    this.ivSource = ivSource;
    this.seq = initialSequence;

    byte[] km = params.keyMaterial();
    int encLen = suite.encKeyLength();
    byte[] encKey = Arrays.copyOfRange(km, 0, encLen);
    byte[] integKey = null;
    try {
      if (aeadMode) {
        System.arraycopy(km, encLen, nonce, 0, suite.saltLength());
        aead = engine.newAead(suite.encr(), encKey);
        cbc = null;
        mac = null;
        icvCalc = null;
        icvRecv = null;
      } else {
        integKey = Arrays.copyOfRange(km, encLen, encLen + suite.integKeyLength());
        aead = null;
        cbc = engine.newAesCbc(encKey);
        mac = engine.newHmac(suite.integ(), integKey);
        icvCalc = new byte[mac.macLength()];
        icvRecv = new byte[icvLength];
      }
    } finally {
      Arrays.fill(encKey, (byte) 0);
      if (integKey != null) {
        Arrays.fill(integKey, (byte) 0);
      }
    }
    // Size 0 disables only the replay rejection; ESN inference still runs (RFC 4303 A2).
    this.replay = outbound ? null : new ReplayWindow(params.replayWindow(), esn);
  }

  /** Creates an outbound (sealing) context. The key material is copied. */
  public static EspContext outbound(EspSaParams params, CryptoEngine engine) {
    return outbound(params, engine, defaultIvSource(params.suite()));
  }

  /**
   * Creates an outbound context that takes its IVs from {@code ivSource} (known-answer tests,
   * benchmarks). The source must honour the requirements in {@link IvSource}.
   */
  public static EspContext outbound(EspSaParams params, CryptoEngine engine, IvSource ivSource) {
    return new EspContext(true, params, engine, ivSource, 0);
  }

  /**
   * Test hook: an outbound context whose last-sent sequence number is {@code lastSequence}, so that
   * the next packet carries {@code lastSequence + 1} (known-answer packets with large sequence
   * numbers, exhaustion at 2^32-1 / 2^64-1).
   */
  static EspContext outboundStartingAfter(
      EspSaParams params, CryptoEngine engine, IvSource ivSource, long lastSequence) {
    return new EspContext(true, params, engine, ivSource, lastSequence);
  }

  /**
   * An outbound context of an SA carried over from an earlier process (a hot restart): the next
   * packet carries {@code lastSequence + 1}. The caller adds a safety margin to what the earlier
   * process recorded, so that no sequence number (and so no AEAD IV, RFC 4106 section 3.1) is ever
   * used twice.
   */
  public static EspContext outboundResuming(
      EspSaParams params, CryptoEngine engine, long lastSequence) {
    return new EspContext(true, params, engine, defaultIvSource(params.suite()), lastSequence);
  }

  /**
   * An inbound context of an SA carried over from an earlier process: its replay window starts with
   * everything up to {@code highest} received ({@link ReplayWindow#resume}).
   */
  public static EspContext inboundResuming(EspSaParams params, CryptoEngine engine, long highest) {
    EspContext c = new EspContext(false, params, engine, null, 0);
    c.replay.resume(highest);
    return c;
  }

  /**
   * The sequence state a hot restart carries over: outbound, the last sequence number sent;
   * inbound, the highest one received (0 before the first packet).
   */
  public long sequenceState() {
    return outbound ? seq : replay.highest();
  }

  /** Creates an inbound (opening) context with its replay window. The key material is copied. */
  public static EspContext inbound(EspSaParams params, CryptoEngine engine) {
    return new EspContext(false, params, engine, null, 0);
  }

  /**
   * Test hook: marks {@code sequence} as received in the replay window, as if a packet with it had
   * been opened, so that ESN inference places later packets in that sequence-number epoch.
   */
  void commitForTest(long sequence) {
    replay.commit(sequence);
  }

  private static IvSource defaultIvSource(EspSuite suite) {
    return suite.encr().isAead() ? IvSource.sequenceCounter() : IvSource.unpredictable();
  }

  /** Bytes needed in front of the payload: SPI + sequence + IV. */
  public int headroom() {
    return headerLength;
  }

  /** Writable bytes needed after the payload: max padding + pad length + next header + ICV. */
  public int tailroom() {
    return suite.maxTrailerLength();
  }

  /** The suite this context was built for. */
  public EspSuite suite() {
    return suite;
  }

  /** Encapsulates the readable bytes in place. See the class comment for the buffer contract. */
  public EspStatus seal(ByteBuf buf, int nextHeader) {
    if (closed) {
      return EspStatus.CLOSED;
    }
    if (!outbound) {
      throw new IllegalStateException("seal on an inbound context");
    }
    int payloadStart = buf.readerIndex();
    int payloadLen = buf.readableBytes();
    // Payload + padding + 2 trailer bytes end on a blockSize boundary (RFC 4303 section 2.4).
    int padLen = (blockSize - (payloadLen + 2) % blockSize) % blockSize;
    if (payloadStart < headerLength || buf.writableBytes() < padLen + 2 + icvLength) {
      return EspStatus.NO_ROOM;
    }
    if (seq == (esn ? MAX_SEQ_64 : MAX_SEQ_32)) {
      return EspStatus.SEQ_EXHAUSTED; // RFC 4303 section 3.3.3: rekey, never cycle
    }
    long s = ++seq;

    int start = payloadStart - headerLength;
    int trailer = buf.writerIndex();
    int cipherLen = payloadLen + padLen + 2;
    int end = trailer + padLen + 2 + icvLength;
    int total = end - start;

    // Header and trailer first, through ByteBuf accessors, before the nio view is taken.
    buf.setInt(start, spi);
    buf.setInt(start + 4, (int) s);
    ivSource.nextIv(s, iv, 0, ivLength);
    buf.setBytes(start + 8, iv, 0, ivLength);
    for (int i = 1; i <= padLen; i++) {
      buf.setByte(trailer + i - 1, i);
    }
    buf.setByte(trailer + padLen, padLen);
    buf.setByte(trailer + padLen + 1, nextHeader);

    ByteBuffer bb = region(buf, start, total);
    int base = bb == compositeView ? 0 : bb.position();
    if (aeadMode) {
      System.arraycopy(iv, 0, nonce, 4, 8);
      int aadLen = writeAad(s);
      aead.seal(nonce, aad, aadLen, bb, base + headerLength, cipherLen);
    } else {
      cbc.encrypt(iv, 0, bb, base + headerLength, cipherLen);
      mac.update(bb, base, headerLength + cipherLen);
      if (esn) {
        mac.update(seqHigh(s), 0, 4);
      }
      mac.doFinal(icvCalc, 0);
      bb.put(base + headerLength + cipherLen, icvCalc, 0, icvLength);
    }
    if (bb == compositeView) {
      buf.setBytes(start, composite, 0, total);
    }
    buf.setIndex(start, end);
    return EspStatus.OK;
  }

  /**
   * Checks the replay window, verifies the ICV, decrypts in place, checks the padding, then commits
   * the sequence number to the window (check, authenticate, commit: RFC 4303 section 3.4.3, so that
   * only authenticated packets advance the window). The same as {@link #openCheck}, {@link
   * #openCrypto} and {@link #openCommit} in a row on this context.
   */
  public EspStatus open(ByteBuf buf, OpenResult out) {
    EspStatus st = openCheck(buf, out);
    if (st != EspStatus.OK) {
      return st;
    }
    st = openCrypto(buf, out);
    if (st == EspStatus.OK) {
      replay.commit(out.sequence);
    }
    return st;
  }

  /**
   * The first step of {@link #open} when the packets of one SA are decrypted in parallel: checks
   * the length, the SPI and the replay window (which also infers the ESN high bits, RFC 4303
   * Appendix A2) and puts the full sequence number in {@code out.sequence}. Changes nothing.
   * Serialised with {@link #openCommit} by the caller, like every use of this context.
   */
  public EspStatus openCheck(ByteBuf buf, OpenResult out) {
    if (closed) {
      return EspStatus.CLOSED;
    }
    if (outbound) {
      throw new IllegalStateException("open on an outbound context");
    }
    int start = buf.readerIndex();
    int total = buf.readableBytes();
    int cipherLen = total - headerLength - icvLength;
    // The smallest ciphertext holds Pad Length and Next Header; CBC needs at least one block.
    if (cipherLen < (aeadMode ? 2 : blockSize)) {
      return EspStatus.TRUNCATED;
    }
    if (!aeadMode && cipherLen % blockSize != 0) {
      return EspStatus.BAD_LENGTH;
    }
    if (buf.getInt(start) != spi) {
      // Not this SA's packet: it cannot authenticate under this SA's key.
      return EspStatus.ICV_MISMATCH;
    }
    long s = replay.check(buf.getInt(start + 4));
    if (s == ReplayWindow.REJECT) {
      return EspStatus.REPLAY;
    }
    out.sequence = s;
    return EspStatus.OK;
  }

  /**
   * The second step: verifies the ICV, decrypts in place and checks the padding of a packet that
   * passed {@link #openCheck} (on this context or on another inbound context of the same SA, with
   * {@code out.sequence} as that check left it). Touches no replay state, so another inbound
   * context of the same SA (same parameters and keys), one per thread, can run it in parallel with
   * this one. On {@code OK}, as {@link #open}.
   */
  public EspStatus openCrypto(ByteBuf buf, OpenResult out) {
    if (closed) {
      return EspStatus.CLOSED;
    }
    if (outbound) {
      throw new IllegalStateException("open on an outbound context");
    }
    long s = out.sequence;
    int start = buf.readerIndex();
    int total = buf.readableBytes();
    int cipherLen = total - headerLength - icvLength;
    if (s < 0 || cipherLen < (aeadMode ? 2 : blockSize)) {
      return EspStatus.TRUNCATED; // not checked by openCheck: a caller bug, not a packet
    }
    buf.getBytes(start + 8, iv, 0, ivLength);
    if (!aeadMode) {
      for (int i = 0; i < icvLength; i++) {
        icvRecv[i] = buf.getByte(start + headerLength + cipherLen + i);
      }
    }

    ByteBuffer bb = region(buf, start, total);
    int base = bb == compositeView ? 0 : bb.position();
    int ct = base + headerLength;
    if (aeadMode) {
      System.arraycopy(iv, 0, nonce, 4, 8);
      int aadLen = writeAad(s);
      if (!aead.open(nonce, aad, aadLen, bb, ct, cipherLen)) {
        return EspStatus.ICV_MISMATCH;
      }
    } else {
      // Encrypt-then-MAC: authenticate the ciphertext before a single byte is decrypted.
      mac.update(bb, base, headerLength + cipherLen);
      if (esn) {
        mac.update(seqHigh(s), 0, 4);
      }
      mac.doFinal(icvCalc, 0);
      if (!IcvMac.constantTimeEquals(icvCalc, 0, icvRecv, 0, icvLength)) {
        return EspStatus.ICV_MISMATCH;
      }
      cbc.decrypt(iv, 0, bb, ct, cipherLen);
    }

    int padLen = bb.get(ct + cipherLen - 2) & 0xFF;
    int nextHeader = bb.get(ct + cipherLen - 1) & 0xFF;
    if (padLen + 2 > cipherLen) {
      return EspStatus.BAD_PAD_LENGTH;
    }
    int padStart = ct + cipherLen - 2 - padLen;
    for (int i = 0; i < padLen; i++) {
      if ((bb.get(padStart + i) & 0xFF) != i + 1) {
        return EspStatus.BAD_PADDING;
      }
    }
    if (bb == compositeView) {
      buf.setBytes(start + headerLength, composite, headerLength, cipherLen - 2 - padLen);
    }
    out.nextHeader = nextHeader;
    buf.setIndex(start + headerLength, start + headerLength + cipherLen - 2 - padLen);
    return EspStatus.OK;
  }

  /**
   * The last step: commits the sequence number of a packet that {@link #openCrypto} authenticated
   * ({@link ReplayWindow#commitIfNew}). False means a copy of the packet was committed first, or
   * the window moved past it since {@link #openCheck}: a replay, to be dropped. A closed context
   * answers false.
   */
  public boolean openCommit(long sequence) {
    if (closed) {
      return false;
    }
    if (outbound) {
      throw new IllegalStateException("open on an outbound context");
    }
    return replay.commitIfNew(sequence);
  }

  /** AAD for the AEADs: SPI || [Seq high] || Seq low (RFC 4106 section 5, RFC 7634 section 2.1). */
  private int writeAad(long s) {
    putInt(aad, 0, spi);
    if (esn) {
      putInt(aad, 4, (int) (s >>> 32));
      putInt(aad, 8, (int) s);
      return 12;
    }
    putInt(aad, 4, (int) s);
    return 8;
  }

  private byte[] seqHigh(long s) {
    putInt(seqHigh, 0, (int) (s >>> 32));
    return seqHigh;
  }

  private static void putInt(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  /**
   * A {@link ByteBuffer} over {@code buf[start, start+len)}: Netty's cached internal view when the
   * buffer is one piece (offsets then start at the returned buffer's position), otherwise a copy in
   * the context's scratch array (offsets start at 0; the caller copies the result back).
   */
  private ByteBuffer region(ByteBuf buf, int start, int len) {
    if (buf.nioBufferCount() == 1) {
      return buf.internalNioBuffer(start, len);
    }
    if (composite.length < len) {
      composite = new byte[Math.max(len, 2048)];
      compositeView = ByteBuffer.wrap(composite);
    }
    buf.getBytes(start, composite, 0, len);
    return compositeView;
  }

  /** The SPI this context was built for. */
  public int spi() {
    return spi;
  }

  /** Outbound: the last sequence number sent (0 before the first). Inbound: highest accepted. */
  public long sequence() {
    return outbound ? seq : replay.highest();
  }

  /** Wipes the key material; later calls return {@link EspStatus#CLOSED}. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Arrays.fill(nonce, (byte) 0);
    Arrays.fill(composite, (byte) 0);
    if (aead != null) {
      aead.close();
    }
    if (cbc != null) {
      cbc.close();
    }
    if (mac != null) {
      mac.close();
    }
  }

  @Override
  public String toString() {
    return String.format(
        "EspContext[%s spi=0x%08x suite=%s esn=%s seq=%d%s]",
        outbound ? "out" : "in",
        spi,
        suite,
        esn,
        outbound ? seq : (closed ? -1 : replay.highest()),
        closed ? " closed" : "");
  }
}
