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
 * ESP seal and open per suite, per engine and per payload size (issue: "bench: JMH"). Throughput in
 * operations per second; multiply by {@code size} for bytes per second. The raw JCA AES-GCM
 * baseline is {@link RawJcaGcmBenchmark}, run in the same JMH invocation.
 *
 * <p>Seal is measured on one reusable direct buffer: the payload is rewritten into the same region
 * before each seal (a memcpy of {@code size} bytes, as the TUN read would do), so the sequence
 * number advances and the IV never repeats, as on the real path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EspBenchmark {

  @Param({"aes128gcm16", "aes256gcm16", "aes128-sha256", "chacha20poly1305"})
  public String suite;

  @Param({"jca", "bc"})
  public String engine;

  @Param({"64", "512", "1400", "8192"})
  public int size;

  private EspContext out;
  private EspContext in;
  private ByteBuf buf;
  private ByteBuf sealed;
  private byte[] payload;
  private final OpenResult result = new OpenResult();
  private int headroom;

  @Setup(Level.Trial)
  public void setup() {
    EspSuite s = EspSuite.parse(suite);
    CryptoEngine e = engine.equals("jca") ? CryptoEngine.jca() : CryptoEngine.bouncyCastle();
    byte[] key = new byte[s.keyMaterialLength()];
    new Random(1).nextBytes(key);
    out = EspContext.outbound(new EspSaParams(0x1000, s, key.clone(), false, 0), e);
    // Replay window off for open: the benchmark replays one sealed packet.
    in = EspContext.inbound(new EspSaParams(0x1000, s, key.clone(), false, 0), e);
    headroom = out.headroom();
    payload = new byte[size];
    new Random(2).nextBytes(payload);
    buf = PooledByteBufAllocator.DEFAULT.directBuffer(headroom + size + out.tailroom() + 64);
    sealed = PooledByteBufAllocator.DEFAULT.directBuffer(headroom + size + out.tailroom() + 64);
    sealed.writerIndex(headroom).writeBytes(payload).readerIndex(headroom);
    if (out.seal(sealed, 4) != EspStatus.OK) {
      throw new IllegalStateException("seal failed in setup");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    buf.release();
    sealed.release();
    out.close();
    in.close();
  }

  @Benchmark
  public EspStatus seal() {
    buf.clear().writerIndex(headroom).writeBytes(payload).readerIndex(headroom);
    return out.seal(buf, 4);
  }

  @Benchmark
  public EspStatus open() {
    int r = sealed.readerIndex();
    int w = sealed.writerIndex();
    buf.clear().writeBytes(sealed, r, w - r);
    return in.open(buf, result);
  }
}
