package org.meshsec.bench;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The baseline for {@link EspBenchmark}: JCA AES-128-GCM encryption alone, no ESP, one thread. Each
 * call does what any JCA user must do per message: a fresh 12-byte nonce (a counter), {@code
 * Cipher.init} with a new {@link GCMParameterSpec}, 8 bytes of AAD ({@code updateAAD}), then {@code
 * doFinal} over {@code size} bytes with a 16-byte tag. Two buffer shapes, because the JDK's cost
 * differs between them:
 *
 * <ul>
 *   <li>{@link #encryptArrays}: {@code doFinal(byte[], byte[])} between two distinct heap arrays;
 *   <li>{@link #encryptDirect}: {@code doFinal(ByteBuffer, ByteBuffer)} between two distinct direct
 *       buffers.
 * </ul>
 *
 * ESP seal does strictly more work than either (header, padding, a copy of the packet into and out
 * of a scratch array, see {@code JcaCryptoEngine}). The target compares seal at 1400 bytes
 * with this baseline; {@code bench/summarize.py} uses the faster of the two shapes at each size
 * (the stricter comparison) and prints both.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RawJcaGcmBenchmark {

  @Param({"64", "512", "1400", "8192"})
  public int size;

  private Cipher cipher;
  private SecretKeySpec key;
  private final byte[] nonce = new byte[12];
  private final byte[] aad = new byte[8];
  private byte[] inArray;
  private byte[] outArray;
  private ByteBuffer in;
  private ByteBuffer out;
  private long counter;

  @Setup
  public void setup() throws Exception {
    byte[] k = new byte[16];
    new Random(1).nextBytes(k);
    key = new SecretKeySpec(k, "AES");
    cipher = Cipher.getInstance("AES/GCM/NoPadding");
    byte[] p = new byte[size];
    new Random(2).nextBytes(p);
    inArray = p.clone();
    outArray = new byte[size + 16];
    in = ByteBuffer.allocateDirect(size);
    out = ByteBuffer.allocateDirect(size + 16);
    in.put(p).flip();
  }

  /** Sets the next nonce and initialises the cipher (a GCM nonce must never repeat under a key). */
  private void init() throws Exception {
    long c = ++counter;
    for (int i = 0; i < 8; i++) {
      nonce[4 + i] = (byte) (c >>> (56 - 8 * i));
    }
    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
    cipher.updateAAD(aad);
  }

  /** Heap arrays: {@code doFinal(in, 0, size, out, 0)}. */
  @Benchmark
  public int encryptArrays() throws Exception {
    init();
    return cipher.doFinal(inArray, 0, size, outArray, 0);
  }

  /** Direct buffers: {@code doFinal(in, out)}. */
  @Benchmark
  public int encryptDirect() throws Exception {
    init();
    in.rewind();
    out.clear();
    return cipher.doFinal(in, out);
  }
}
