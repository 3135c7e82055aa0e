package org.meshsec.ike.sa;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.meshsec.esp.IpsecMode;
import org.meshsec.ike.config.AuthConfig;
import org.meshsec.ike.config.ChildConfig;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.pki.PeerIdentity;
import org.meshsec.ike.port.LoopbackNetwork;
import org.meshsec.ike.port.ManualScheduler;
import org.meshsec.ike.port.MemoryIpsec;
import org.meshsec.ike.task.Ikev2TaskFactory;
import org.meshsec.ike.v1.sa.Ikev1Protocol;

/**
 * Runs one complete IKE_SA_INIT + IKE_AUTH (with the first Child SA) between two engines in this
 * process, joined by a {@link LoopbackNetwork}, in virtual time: the unit of work for a handshake
 * benchmark (the bench module's JMH class calls {@link #handshake()}), and a smoke test.
 *
 * <p>Each {@link #handshake()} builds two fresh engines (PSK authentication, host-to-host transport
 * mode between 10.0.0.1 and 10.0.0.2) and drives the four messages. Not thread-safe: one harness
 * per benchmark thread.
 */
public final class HandshakeHarness {
  private final IkeProposal ike;
  private final EspProposal esp;
  private final SecureRandom random;
  private final int version;

  /**
   * @param ike the IKE proposal both sides use
   * @param esp the ESP proposal both sides use
   * @param random randomness for keys and nonces (a seeded one makes runs identical)
   */
  public HandshakeHarness(IkeProposal ike, EspProposal esp, SecureRandom random) {
    this(ike, esp, random, 2);
  }

  /**
   * @param version 2: IKE_SA_INIT + IKE_AUTH (RFC 7296); 1: Main Mode + Quick Mode (RFC 2409)
   */
  public HandshakeHarness(IkeProposal ike, EspProposal esp, SecureRandom random, int version) {
    if (version != 1 && version != 2) {
      throw new IllegalArgumentException("IKE version 1 or 2");
    }
    this.ike = ike;
    this.esp = esp;
    this.random = random;
    this.version = version;
  }

  /** AES-128-GCM / SHA-256 / Curve25519 and AES-128-GCM ESP with a strong random. */
  public static HandshakeHarness standard() {
    return new HandshakeHarness(
        IkeProposal.AES128GCM_SHA256_X25519, EspProposal.AES128GCM, new SecureRandom());
  }

  /** The outcome of one handshake. */
  public record Result(int datagrams, IkeSaInfo initiator, IkeSaInfo responder) {}

  /**
   * Runs one handshake.
   *
   * @throws IllegalStateException if it did not establish one IKE SA and one Child SA pair on each
   *     side
   */
  public Result handshake() {
    ManualScheduler clock = new ManualScheduler();
    LoopbackNetwork net = new LoopbackNetwork(clock::runPending);
    InetAddress a = address(1);
    InetAddress b = address(2);
    IkeEngine ea = engine(clock, net, new MemoryIpsec(0x10000000), a, b, "b");
    IkeEngine eb = engine(clock, net, new MemoryIpsec(0x20000000), b, a, "a");
    net.attach(a, ea::receive);
    net.attach(b, eb::receive);
    ea.initiate("b");
    clock.runPending();
    int n = net.deliverAll(16);
    List<IkeSaInfo> la = ea.list();
    List<IkeSaInfo> lb = eb.list();
    if (la.size() != 1
        || lb.size() != 1
        || la.get(0).state() != IkeSaState.ESTABLISHED
        || lb.get(0).state() != IkeSaState.ESTABLISHED
        || la.get(0).children().size() != 1
        || lb.get(0).children().size() != 1) {
      throw new IllegalStateException("handshake did not complete: " + la + " / " + lb);
    }
    return new Result(n, la.get(0), lb.get(0));
  }

  private IkeEngine engine(
      ManualScheduler clock,
      LoopbackNetwork net,
      MemoryIpsec ipsec,
      InetAddress self,
      InetAddress other,
      String otherName) {
    PeerConfig peer =
        PeerConfig.builder(otherName)
            .version(version)
            .localAddress(self)
            .remoteAddress(other)
            .localId(new PeerIdentity.IpAddress(self))
            .remoteId(new PeerIdentity.IpAddress(other))
            .auth(AuthConfig.Psk.of("harness shared key".getBytes(StandardCharsets.US_ASCII)))
            .ikeProposals(ike)
            .child(ChildConfig.builder("host").mode(IpsecMode.TRANSPORT).proposals(esp).build())
            .build();
    IkeEngine.Builder b = IkeEngine.builder().tasks(new Ikev2TaskFactory());
    if (version == 1) {
      b.protocol(new Ikev1Protocol());
    }
    return b.peer(peer).network(net).ipsec(ipsec).scheduler(clock).random(random).build();
  }

  private static InetAddress address(int last) {
    try {
      return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
