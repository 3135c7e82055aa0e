package org.meshsec.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.sad.SaSpec;
import org.meshsec.core.sad.Sad;
import org.meshsec.core.sad.SadStatus;
import org.meshsec.core.sad.SecurityAssociation;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Selector;
import org.meshsec.esp.EspSaParams;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SaLifetime;
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
 * The SAD's inbound lookup by SPI (RFC 4301 section 4.4.2; RFC 4303 section 2.1) on one thread:
 * average time per lookup, in nanoseconds, with {@code sas} = 1,000 or 100,000 MATURE inbound SAs.
 *
 * <p>Setup does what IKE does for each SA: {@link Sad#getSpi} (the SAD's allocator: a random SPI
 * outside 0..255 that is free, entered as a LARVAL SA; the random source is seeded here for
 * repeatability) and then {@link Sad#update} with an AES-128-GCM {@link SaSpec}, which builds the
 * SA's real ESP transform (a JCA context) and makes it MATURE. So the heap holds what a daemon with
 * that many SAs holds, and SAs are spread over it as they would be.
 *
 * <ul>
 *   <li>{@link #inbound}: {@link Sad#inbound}, the packet path's call (index probe, then the SA's
 *       volatile fast-path flag), with the SPIs of all SAs in a shuffled order, in rotation; every
 *       lookup hits.
 *   <li>{@link #findInbound}: {@link Sad#findInbound}, the index probe alone, same SPIs.
 *   <li>{@link #inboundMiss}: {@link Sad#inbound} with {@value #MISSES} SPIs that no SA has (a
 *       stale or forged packet): the probe runs to an empty slot, then the InNoStates counter is
 *       incremented and the (here empty, unreleasable) buffer released.
 * </ul>
 *
 * Setup checks that every hit returns its SA and every miss returns null.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SadBenchmark {

  /** SPIs in the miss rotation; a power of two. */
  static final int MISSES = 1024;

  @Param({"1000", "100000"})
  public int sas;

  private Sad sad;
  private int[] spis;
  private final int[] missSpis = new int[MISSES];
  private int next;
  private int nextMiss;
  private final ByteBuf packet = Unpooled.EMPTY_BUFFER;

  @Setup(Level.Trial)
  public void setup() throws UnknownHostException {
    sad = Sad.builder().random(new Random(7)).build();
    InetAddress local = InetAddress.getByName("192.0.2.1");
    EspSuite suite = EspSuite.AES128_GCM16;
    byte[] key = new byte[suite.keyMaterialLength()];
    Random r = new Random(8);
    spis = new int[sas];
    for (int i = 0; i < sas; i++) {
      InetAddress peer =
          InetAddress.getByAddress(
              new byte[] {(byte) 198, (byte) (18 + (i >>> 16)), (byte) (i >>> 8), (byte) i});
      int spi = sad.getSpi(local, peer);
      r.nextBytes(key);
      Selector sel =
          Selector.between(IpPrefix.host(peer), IpPrefix.host(local)); // IN: src is the peer side
      SaSpec spec =
          new SaSpec(
              Direction.IN,
              spi,
              local,
              4500,
              peer,
              4500,
              IpsecMode.TRANSPORT,
              sel,
              i + 1,
              suite,
              key.clone(),
              false,
              EspSaParams.DEFAULT_REPLAY_WINDOW,
              SaLifetime.NONE,
              SaLifetime.NONE);
      SadStatus st = sad.update(spec);
      if (st != SadStatus.OK) {
        throw new IllegalStateException("update of SA " + i + ": " + st);
      }
      spis[i] = spi;
    }
    // Shuffle, so the rotation is not the allocation order.
    for (int i = sas - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = spis[i];
      spis[i] = spis[j];
      spis[j] = t;
    }
    for (int i = 0; i < MISSES; i++) {
      int spi;
      do {
        spi = r.nextInt();
      } while (Sad.isReservedSpi(spi) || sad.findInbound(spi) != null);
      missSpis[i] = spi;
    }
    for (int spi : spis) {
      SecurityAssociation sa = sad.inbound(spi, packet);
      if (sa == null || sa.spi() != spi) {
        throw new IllegalStateException("lookup of SPI " + Integer.toHexString(spi) + " failed");
      }
    }
    for (int spi : missSpis) {
      if (sad.inbound(spi, packet) != null) {
        throw new IllegalStateException("miss SPI " + Integer.toHexString(spi) + " found");
      }
    }
    if (sad.inboundCount() != sas) {
      throw new IllegalStateException("SAD holds " + sad.inboundCount() + " inbound SAs");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    sad.flush();
  }

  /** {@link Sad#inbound} for the next SPI of the rotation (always a MATURE SA). */
  @Benchmark
  public SecurityAssociation inbound() {
    int i = next;
    next = i + 1 == spis.length ? 0 : i + 1;
    return sad.inbound(spis[i], packet);
  }

  /** {@link Sad#findInbound} for the next SPI of the rotation. */
  @Benchmark
  public SecurityAssociation findInbound() {
    int i = next;
    next = i + 1 == spis.length ? 0 : i + 1;
    return sad.findInbound(spis[i]);
  }

  /** {@link Sad#inbound} for an SPI no SA has. */
  @Benchmark
  public SecurityAssociation inboundMiss() {
    int i = nextMiss;
    nextMiss = (i + 1) & (MISSES - 1);
    return sad.inbound(missSpis[i], packet);
  }
}
