package org.meshsec.ike.task;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.Message;
import org.meshsec.ike.message.NotifyPayload;
import org.meshsec.ike.message.NotifyType;

/**
 * NAT detection (RFC 7296 section 2.23): NAT_DETECTION_SOURCE_IP and NAT_DETECTION_DESTINATION_IP
 * carry SHA-1(SPIi | SPIr | IP address | port). A mismatch on the peer's source means the peer is
 * behind a NAT; on the destination, that we are.
 *
 * <p>meshsec always encapsulates ESP in UDP; with {@code forceEncap} it sends a source hash of a
 * random address, so a peer such as strongSwan also detects "NAT" and encapsulates, as strongSwan's
 * own {@code encap = yes} does (its ike_natd task hashes a random IPv4 address instead of ours).
 * Stateless.
 */
final class NatDetection {
  private NatDetection() {}

  /** SHA-1(SPIi | SPIr | address | port). */
  static Bytes hash(long spiI, long spiR, InetSocketAddress host) {
    byte[] addr = host.getAddress().getAddress();
    ByteBuffer b = ByteBuffer.allocate(16 + addr.length + 2);
    b.putLong(spiI).putLong(spiR).put(addr).putShort((short) host.getPort());
    try {
      return Bytes.of(MessageDigest.getInstance("SHA-1").digest(b.array()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 unavailable", e);
    }
  }

  /** The two notifies for a message from {@code local} to {@code remote}. */
  static List<NotifyPayload> notifies(
      long spiI,
      long spiR,
      InetSocketAddress local,
      InetSocketAddress remote,
      boolean forceEncap,
      byte[] fakeSource) {
    Bytes source =
        forceEncap
            ? hash(spiI, spiR, new InetSocketAddress(fakeAddress(fakeSource), 0))
            : hash(spiI, spiR, local);
    return List.of(
        NotifyPayload.of(NotifyType.NAT_DETECTION_SOURCE_IP, source),
        NotifyPayload.of(NotifyType.NAT_DETECTION_DESTINATION_IP, hash(spiI, spiR, remote)));
  }

  private static InetAddress fakeAddress(byte[] four) {
    try {
      return InetAddress.getByAddress(four);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** What the NAT detection notifies of a received message say. */
  record Result(boolean present, boolean natHere, boolean natThere) {}

  /**
   * Evaluates a received message that was sent from {@code peer} to {@code us}, with the SPIs of
   * its header.
   */
  static Result evaluate(
      Message m, long spiI, long spiR, InetSocketAddress us, InetSocketAddress peer) {
    List<NotifyPayload> src =
        m.all(NotifyPayload.class).stream()
            .filter(n -> n.notifyType().equals(NotifyType.NAT_DETECTION_SOURCE_IP))
            .toList();
    Optional<NotifyPayload> dst = m.notify(NotifyType.NAT_DETECTION_DESTINATION_IP);
    if (src.isEmpty() || dst.isEmpty()) {
      return new Result(false, false, false);
    }
    Bytes peerHash = hash(spiI, spiR, peer);
    Bytes ourHash = hash(spiI, spiR, us);
    boolean there = src.stream().noneMatch(n -> n.data().equals(peerHash));
    boolean here = !dst.get().data().equals(ourHash);
    return new Result(true, here, there);
  }
}
