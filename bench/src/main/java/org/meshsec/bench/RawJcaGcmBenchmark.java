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
 * The baseline for {@link EspBenchmark}: JCA AES-128-GCM encryption alone (a fresh 12-byte nonce
 * per call, 8-byte AAD, 16-byte tag), on direct buffers of the same sizes. ESP seal cannot be
 * faster than this; the target is seal at 1400 bytes reaching 85% of it.
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
  private ByteBuffer in;
  private ByteBuffer out;
  private long counter;

  @Setup
  public void setup() throws Exception {
    byte[] k = new byte[16];
    new Random(1).nextBytes(k);
    key = new SecretKeySpec(k, "AES");
    cipher = Cipher.getInstance("AES/GCM/NoPadding");
    in = ByteBuffer.allocateDirect(size);
    out = ByteBuffer.allocateDirect(size + 16);
    byte[] p = new byte[size];
    new Random(2).nextBytes(p);
    in.put(p).flip();
  }

  @Benchmark
  public int encrypt() throws Exception {
    long c = ++counter;
    for (int i = 0; i < 8; i++) {
      nonce[4 + i] = (byte) (c >>> (56 - 8 * i));
    }
    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
    cipher.updateAAD(aad);
    in.rewind();
    out.clear();
    return cipher.doFinal(in, out);
  }
}
