package org.meshsec.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.meshsec.esp.CryptoEngine;
import org.meshsec.esp.EspContext;
import org.meshsec.esp.EspSaParams;
import org.meshsec.esp.EspStatus;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.OpenResult;
import org.meshsec.esp.crypto.CryptoEngines;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ESP seal and open ({@link EspContext}, RFC 4303) per suite, per engine and per payload size, on
 * one thread. Throughput in operations per second; {@code bench/summarize.py} multiplies by {@code
 * size} (the payload, not the larger ESP packet) for MB/s. The raw JCA AES-GCM baseline is {@link
 * RawJcaGcmBenchmark}, run in the same JMH invocation.
 *
 * <p><b>seal</b> encrypts one reusable pooled direct buffer in place, as the real outbound path
 * does with the TUN read buffer (payload at an offset leaving headroom). Between calls only the
 * buffer's indexes are reset to the {@code size}-byte payload region: the payload bytes are then
 * the previous ciphertext, which costs AES and ChaCha20 exactly the same as plaintext, so no copy
 * is measured. The sequence number advances on every call, so the AEAD nonce never repeats, as on
 * the real path.
 *
 * <p><b>open</b> decrypts in place, which destroys its input, so each call first copies a pristine
 * sealed packet ({@code size} plus 34 to 57 bytes of ESP header, trailer and ICV) from a pooled
 * direct buffer into the work buffer. <em>That copy is part of what {@code open} measures</em>;
 * {@link BufferCopyBenchmark} measures the same copy alone so it can be subtracted. The copies come
 * from a ring of {@value #RING} packets sealed with consecutive sequence numbers, so consecutive
 * opens use different nonces (the JDK's ChaCha20-Poly1305 refuses an init with the previous key and
 * nonce, which would otherwise add a second init per call). The inbound context has its replay
 * window disabled (size 0, which still runs the check and commit but never rejects) so the ring can
 * be replayed; the cost of a real window is {@link ReplayBenchmark}'s.
 *
 * <p>Both methods count every status other than {@code OK} and the trial fails in its teardown if
 * there was one, so a benchmark can never silently measure an error path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EspBenchmark {

  /** Number of distinct sealed packets {@link #open} cycles through. */
  static final int RING = 8;

  /** Next header written by seal: 4 (IPv4 in tunnel mode). */
  private static final int NEXT_HEADER = 4;

  @Param({"aes128gcm16", "aes256gcm16", "aes128-sha256", "chacha20poly1305"})
  public String suite;

  @Param({"jca", "bc"})
  public String engine;

  @Param({"64", "512", "1400", "8192"})
  public int size;

  private EspContext out;
  private EspContext in;
  private ByteBuf sealBuf;
  private ByteBuf openBuf;
  private final ByteBuf[] sealed = new ByteBuf[RING];
  private int next;
  private final OpenResult result = new OpenResult();
  private int headroom;
  private long failures;
  private EspStatus lastFailure;

  @Setup(Level.Trial)
  public void setup() {
    DaemonBuffers.require();
    EspSuite s = EspSuite.parse(suite);
    if (s == null) {
      throw new IllegalArgumentException("unknown suite " + suite);
    }
    CryptoEngine e =
        switch (engine) {
          case "jca" -> CryptoEngines.jca();
          case "bc" -> CryptoEngines.bouncyCastle();
          default -> throw new IllegalArgumentException("unknown engine " + engine);
        };
    byte[] key = new byte[s.keyMaterialLength()];
    new Random(1).nextBytes(key);
    out = EspContext.outbound(new EspSaParams(0x1000, s, key.clone(), false, 0), e);
    in = EspContext.inbound(new EspSaParams(0x1000, s, key.clone(), false, 0), e);
    headroom = out.headroom();
    int capacity = headroom + size + out.tailroom();
    byte[] payload = new byte[size];
    new Random(2).nextBytes(payload);

    sealBuf = PooledByteBufAllocator.DEFAULT.directBuffer(capacity, capacity);
    sealBuf.setIndex(headroom, headroom).writeBytes(payload).readerIndex(headroom);

    // The ring of pristine packets for open, sealed by a separate sender of the same SA so that
    // the seal benchmark's context starts at sequence number 1 as well.
    EspContext sender = EspContext.outbound(new EspSaParams(0x1000, s, key.clone(), false, 0), e);
    for (int i = 0; i < RING; i++) {
      ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(capacity, capacity);
      b.setIndex(headroom, headroom).writeBytes(payload);
      EspStatus st = sender.seal(b, NEXT_HEADER);
      if (st != EspStatus.OK) {
        throw new IllegalStateException("seal failed in setup: " + st);
      }
      sealed[i] = b;
    }
    sender.close();
    openBuf = PooledByteBufAllocator.DEFAULT.directBuffer(capacity, capacity);
    // Check the ring opens before measuring anything.
    for (int i = 0; i < RING; i++) {
      EspStatus st = open();
      if (st != EspStatus.OK || openBuf.readableBytes() != size) {
        throw new IllegalStateException("open failed in setup: " + st);
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    sealBuf.release();
    openBuf.release();
    for (ByteBuf b : sealed) {
      b.release();
    }
    out.close();
    in.close();
    if (failures != 0) {
      throw new IllegalStateException(failures + " operations failed, last: " + lastFailure);
    }
  }

  /** Seals {@code size} bytes in place (no copy: see the class comment). */
  @Benchmark
  public EspStatus seal() {
    ByteBuf b = sealBuf;
    b.setIndex(headroom, headroom + size);
    return check(out.seal(b, NEXT_HEADER));
  }

  /** Copies one sealed packet into the work buffer, then opens it in place. */
  @Benchmark
  public EspStatus open() {
    ByteBuf src = sealed[next];
    next = (next + 1) & (RING - 1);
    ByteBuf b = openBuf;
    b.clear().writeBytes(src, src.readerIndex(), src.readableBytes());
    return check(in.open(b, result));
  }

  private EspStatus check(EspStatus st) {
    if (st != EspStatus.OK) {
      failures++;
      lastFailure = st;
    }
    return st;
  }
}
