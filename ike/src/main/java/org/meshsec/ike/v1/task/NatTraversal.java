package org.meshsec.ike.v1.task;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.v1.message.ExchangeType;
import org.meshsec.ike.v1.message.IsakmpMessage;
import org.meshsec.ike.v1.message.NatDPayload;
import org.meshsec.ike.v1.message.Payload;
import org.meshsec.ike.v1.message.VendorIdPayload;

/**
 * NAT traversal in phase 1 (RFC 3947) and the vendor IDs that announce what we support, the
 * companion of a {@link MainModeExchange} (strongSwan's {@code isakmp_vendor} and {@code
 * isakmp_natd} tasks):
 *
 * <pre>
 *  Main Mode        (1) (2): V(RFC 3947) V(DPD)     (3) (4): NAT-D(peer) NAT-D(us)
 *                   the initiator floats to port 4500 for (5) (section 4)
 *  Aggressive Mode  (1) (2): V(RFC 3947) V(DPD)     (2) (3): NAT-D(peer) NAT-D(us)
 *                   the initiator floats to port 4500 for (3)
 * </pre>
 *
 * NAT-D = HASH(CKY-I | CKY-R | IP | Port) with the negotiated hash (section 3.2), the destination's
 * first. meshsec always sends ESP in UDP on port 4500; with {@code forceEncap} our own NAT-D is the
 * hash of a random address, so the peer sees us "behind a NAT" and encapsulates too, as
 * strongSwan's {@code encap = yes} does. NAT-D is sent only when both sides announced RFC 3947.
 *
 * <p>Not thread-safe; used on its SA's executor.
 */
public final class NatTraversal {

  /** MD5("RFC 3947"): the peer implements RFC 3947 (section 3.1). */
  public static final Bytes RFC3947_VID = Bytes.fromHex("4a131c81070358455c5728f20e95452f");

  /** The DPD vendor ID of RFC 3706 section 5.1 (version 1.0). */
  public static final Bytes DPD_VID = Bytes.fromHex("afcad71368a1f1c96b8696fc77570100");

  private final InetSocketAddress local;
  private final InetSocketAddress remote;
  private final byte[] fakeSource;
  private boolean peerNatT;
  private boolean peerDpd;
  private boolean natLocal;
  private boolean natRemote;
  private boolean floated;

  /**
   * @param local our IKE address and port
   * @param remote the peer's IKE address and port
   * @param fakeSource null, or a random IPv4 address whose hash replaces ours in our NAT-D (forced
   *     encapsulation)
   */
  public NatTraversal(InetSocketAddress local, InetSocketAddress remote, byte[] fakeSource) {
    this.local = Objects.requireNonNull(local, "local");
    this.remote = Objects.requireNonNull(remote, "remote");
    this.fakeSource = fakeSource == null ? null : fakeSource.clone();
  }

  /** Whether the peer announced RFC 3947. */
  public boolean peerSupportsNatT() {
    return peerNatT;
  }

  /** Whether the peer announced RFC 3706 DPD. */
  public boolean peerSupportsDpd() {
    return peerDpd;
  }

  /** The peer's NAT-D says our address is not what it sees (or we faked it). */
  public boolean natLocal() {
    return natLocal;
  }

  /** Our NAT-D check says the peer's address is not what it claims. */
  public boolean natRemote() {
    return natRemote;
  }

  /** Whether IKE moved to port 4500: every message from the next one on goes there. */
  public boolean floated() {
    return floated;
  }

  private static boolean vidsIn(ExchangeType type, int index) {
    return index <= 2;
  }

  private static boolean natDIn(ExchangeType type, int index) {
    return type.equals(ExchangeType.AGGRESSIVE)
        ? index == 2 || index == 3
        : index == 3 || index == 4;
  }

  /** Adds our payloads to message {@code index} (1-based) that we build. */
  void build(Phase1State sa, ExchangeType type, int index, List<Payload> out) {
    if (vidsIn(type, index)) {
      out.add(new VendorIdPayload(RFC3947_VID));
      out.add(new VendorIdPayload(DPD_VID));
    }
    if (natDIn(type, index) && peerNatT) {
      out.add(
          new NatDPayload(Bytes.of(natD(sa, remote.getAddress().getAddress(), remote.getPort()))));
      byte[] us = fakeSource != null ? fakeSource : local.getAddress().getAddress();
      out.add(new NatDPayload(Bytes.of(natD(sa, us, local.getPort()))));
    }
    floatIfDue(sa, type, index);
  }

  /** Reads the peer's payloads of accepted message {@code index}. */
  void process(Phase1State sa, ExchangeType type, int index, IsakmpMessage in) {
    if (vidsIn(type, index)) {
      for (Payload p : in.payloads()) {
        if (p instanceof VendorIdPayload v) {
          peerNatT |= v.vendorId().equals(RFC3947_VID);
          peerDpd |= v.vendorId().equals(DPD_VID);
        }
      }
    }
    if (natDIn(type, index) && peerNatT) {
      List<NatDPayload> natd =
          in.payloads().stream()
              .filter(NatDPayload.class::isInstance)
              .map(NatDPayload.class::cast)
              .toList();
      if (natd.size() >= 2) {
        // The first is the peer's view of us (its destination), the others its own addresses.
        Bytes ours = Bytes.of(natD(sa, local.getAddress().getAddress(), local.getPort()));
        natLocal = fakeSource != null || !natd.get(0).hash().equals(ours);
        Bytes theirs = Bytes.of(natD(sa, remote.getAddress().getAddress(), remote.getPort()));
        natRemote = natd.subList(1, natd.size()).stream().noneMatch(d -> d.hash().equals(theirs));
      }
    }
  }

  /**
   * The initiator floats after the message that completes NAT detection (section 4): Main Mode (4),
   * Aggressive Mode (2); called after each message we build or accept.
   */
  void floatIfDue(Phase1State sa, ExchangeType type, int index) {
    int last = type.equals(ExchangeType.AGGRESSIVE) ? 2 : 4;
    if (sa.initiator() && index == last && peerNatT && (natLocal || natRemote)) {
      floated = true;
    }
  }

  /** HASH(CKY-I | CKY-R | IP | Port) with the negotiated hash (RFC 3947 section 3.2). */
  private static byte[] natD(Phase1State sa, byte[] ip, int port) {
    try {
      MessageDigest md = MessageDigest.getInstance(sa.chosen().hash().jcaName());
      md.update(
          ByteBuffer.allocate(16)
              .putLong(sa.initiatorCookie())
              .putLong(sa.responderCookie())
              .array());
      md.update(ip);
      md.update(new byte[] {(byte) (port >>> 8), (byte) port});
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("negotiated hash unavailable", e);
    }
  }
}
