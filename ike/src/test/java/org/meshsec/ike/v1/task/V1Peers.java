package org.meshsec.ike.v1.task;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.crypto.DeterministicRandom;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.port.TsRange;
import org.meshsec.ike.v1.message.IdPayload;
import org.meshsec.ike.v1.message.Phase1Attribute;

/** Two IKEv1 peers in one process: phase 1 set up by {@link MainModeExchange}, test helpers. */
final class V1Peers {
  private V1Peers() {}

  static final Phase1Proposal AES128_SHA256_MODP2048 =
      new Phase1Proposal(
          Phase1Attribute.Encryption.AES_CBC,
          128,
          Phase1Attribute.Hash.SHA2_256,
          DhGroup.MODP_2048,
          28800);

  static final InetSocketAddress I = socket("192.0.2.1", 4500);
  static final InetSocketAddress R = socket("192.0.2.2", 4500);

  static InetSocketAddress socket(String a, int port) {
    return new InetSocketAddress(addr(a), port);
  }

  static InetAddress addr(String a) {
    try {
      return InetAddress.getByName(a);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static Phase1Config phase1Config(String local) {
    return new Phase1Config(
        List.of(AES128_SHA256_MODP2048),
        SecretBytes.copyOf("shared secret".getBytes(StandardCharsets.US_ASCII)),
        IdPayload.address(addr(local)),
        Optional.empty());
  }

  static byte[] reply(MainModeExchange.Outcome o) {
    return assertInstanceOf(MainModeExchange.Outcome.Reply.class, o, o::toString).datagram();
  }

  /** An established pair of ISAKMP SAs: [initiator, responder]. */
  static Phase1State[] mainMode(long seed) throws V1Exception {
    MainModeExchange i =
        MainModeExchange.initiator(phase1Config("192.0.2.1"), new DeterministicRandom(seed));
    MainModeExchange r =
        MainModeExchange.responder(phase1Config("192.0.2.2"), new DeterministicRandom(seed + 1));
    byte[] m = i.start();
    for (int n = 0; n < 5; n++) {
      m = reply((n % 2 == 0 ? r : i).receive(m));
    }
    assertInstanceOf(MainModeExchange.Outcome.Done.class, i.receive(m));
    return new Phase1State[] {i.sa(), r.sa()};
  }

  static QuickModeConfig qm(
      List<EspSuite> suites, DhGroup pfs, String local, String remote, long seconds, long kb) {
    return new QuickModeConfig(
        "net",
        7,
        suites,
        pfs,
        IpsecMode.TUNNEL,
        true,
        List.of(TsRange.parse(local)),
        List.of(TsRange.parse(remote)),
        seconds,
        kb);
  }

  /**
   * A {@link SecureRandom} that serves scripted byte strings first (one per {@code nextBytes} call,
   * exact length), then falls back to a {@link DeterministicRandom}: replays a peer's random
   * choices from a recording.
   */
  static final class ScriptedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final transient Deque<byte[]> script = new ArrayDeque<>();
    private final DeterministicRandom fallback;

    ScriptedRandom(long seed) {
      super(new byte[0]);
      this.fallback = new DeterministicRandom(seed);
    }

    /** Serves {@code next} to the following {@code nextBytes} calls, in order. */
    ScriptedRandom then(byte[]... next) {
      for (byte[] b : next) {
        script.add(b);
      }
      return this;
    }

    @Override
    public synchronized void nextBytes(byte[] bytes) {
      if (script == null || script.isEmpty()) {
        fallback.nextBytes(bytes);
        return;
      }
      byte[] next = script.poll();
      if (next.length != bytes.length) {
        throw new IllegalStateException(next.length + " scripted bytes for " + bytes.length);
      }
      System.arraycopy(next, 0, bytes, 0, bytes.length);
    }

    @Override
    public void setSeed(long ignored) {
      // fixed by the script
    }
  }
}
