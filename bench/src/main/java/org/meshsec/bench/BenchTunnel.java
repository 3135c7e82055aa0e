package org.meshsec.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Random;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.sad.SaSpec;
import org.meshsec.core.sad.Sad;
import org.meshsec.core.sad.SadStatus;
import org.meshsec.core.spd.Action;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.IpsecTemplate;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.spd.Selector;
import org.meshsec.core.spd.Spd;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SaLifetime;

/**
 * The two ends of one tunnel-mode AES-128-GCM SA (RFC 4303) for the data-path benchmarks, without a
 * network: node A (192.0.2.1, LAN 10.0.0.0/24) has the OUT policy and SA towards node B (192.0.2.2,
 * LAN 10.0.1.0/24), node B the IN SA with the same key and SPI 0x1000. Build the two {@code
 * DataPath}s over {@link #spdA}/{@link #sadA} and an empty SPD/{@link #sadB}.
 *
 * <p>Not thread-safe; built once per benchmark trial.
 */
final class BenchTunnel {
  static final InetAddress A = addr("192.0.2.1");
  static final InetAddress B = addr("192.0.2.2");
  static final int SPI = 0x1000;

  final Spd spdA = new Spd();
  final Sad sadA = Sad.builder().build();
  final Sad sadB = Sad.builder().build();

  /**
   * @param replayWindow node B's anti-replay window (0: off, so that the same packets can be opened
   *     again and again)
   */
  BenchTunnel(int replayWindow) {
    Selector sel = Selector.between(IpPrefix.parse("10.0.0.0/24"), IpPrefix.parse("10.0.1.0/24"));
    Policy pa =
        spdA.add(
            "p",
            10,
            Direction.OUT,
            sel,
            Action.PROTECT,
            new IpsecTemplate(IpsecMode.TUNNEL, List.of(EspSuite.AES128_GCM16), A, B));
    check(sadA.add(spec(Direction.OUT, A, B, sel, pa.id(), 0)));
    check(sadB.add(spec(Direction.IN, B, A, sel, -1, replayWindow)));
  }

  static InetAddress addr(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(s, e);
    }
  }

  private static SaSpec spec(
      Direction dir, InetAddress self, InetAddress peer, Selector sel, long policy, int window) {
    byte[] key = new byte[EspSuite.AES128_GCM16.keyMaterialLength()];
    new Random(SPI).nextBytes(key);
    return new SaSpec(
        dir,
        SPI,
        self,
        4500,
        peer,
        4500,
        IpsecMode.TUNNEL,
        sel,
        policy,
        EspSuite.AES128_GCM16,
        key,
        false,
        window,
        SaLifetime.NONE,
        SaLifetime.NONE);
  }

  private static void check(SadStatus st) {
    if (st != SadStatus.OK) {
      throw new IllegalStateException("SA add: " + st);
    }
  }
}
