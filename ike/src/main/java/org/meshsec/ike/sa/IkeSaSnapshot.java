package org.meshsec.ike.sa;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.pki.PeerIdentity;
import org.meshsec.ike.port.TsRange;

/**
 * What one established IKEv2 SA (RFC 7296 section 1.2) and its Child SAs are, copied out of the
 * engine at a stop for restart ({@link IkeEngine#exportForRestart}) so that the next process can
 * carry on with it without any exchange ({@link IkeEngine#restore}): the peer never notices, the
 * Message IDs continue where they were (section 2.2) and a later rekey, liveness check or Delete
 * runs on this SA as if the process had never stopped.
 *
 * <p>The ESP SAs of the Child SAs are not in here: the data plane carries their keys, sequence
 * numbers and replay windows over itself; a child here names its SPIs and what the IKE side needs
 * to rekey or delete it. Deadlines are durations left, since the two processes share no clock.
 *
 * <p>Immutable apart from the key material, which the holder wipes ({@link #close()}). {@link
 * #toString()} names the SPIs and the peer, never a key. Thread-safe.
 *
 * @param peer the peer configuration's name
 * @param originalInitiator whether we are the original initiator (the I flag, section 3.1)
 * @param spiI the initiator's IKE SPI
 * @param spiR the responder's IKE SPI
 * @param proposal the negotiated IKE proposal
 * @param keymat the seven keys of section 2.14 in prf+ order (SK_d | SK_ai | SK_ar | SK_ei | SK_er
 *     | SK_pi | SK_pr), as {@link org.meshsec.ike.crypto.IkeSaKeys} lays them out
 * @param nonceI Ni of the exchange that created the SA (the lowest-nonce rules of section 2.8)
 * @param nonceR Nr of that exchange
 * @param nextRequestId the Message ID of our next request (section 2.2)
 * @param nextResponseId the Message ID expected in the peer's next request
 * @param peerIdType the ID type the peer authenticated with (section 3.5), 0 if unknown
 * @param peerIdData its Identification Data
 * @param local our address and port for this SA's messages
 * @param remote the peer's address and port
 * @param natHere NAT detection (section 2.23): we are behind a NAT
 * @param natThere NAT detection: the peer is (or fakes being) behind a NAT
 * @param peerFragmentation whether the peer announced IKEV2_FRAGMENTATION_SUPPORTED (RFC 7383)
 * @param age how long the SA has been established
 * @param rekeyIn time left until its rekey, null if none is scheduled
 * @param lifeLeft time left until its hard lifetime, null if it has none
 * @param children its Child SAs
 */
public record IkeSaSnapshot(
    String peer,
    boolean originalInitiator,
    long spiI,
    long spiR,
    IkeProposal proposal,
    SecretBytes keymat,
    Bytes nonceI,
    Bytes nonceR,
    long nextRequestId,
    long nextResponseId,
    int peerIdType,
    byte[] peerIdData,
    InetSocketAddress local,
    InetSocketAddress remote,
    boolean natHere,
    boolean natThere,
    boolean peerFragmentation,
    Duration age,
    Duration rekeyIn,
    Duration lifeLeft,
    List<Child> children)
    implements AutoCloseable {

  public IkeSaSnapshot {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(proposal, "proposal");
    Objects.requireNonNull(keymat, "keymat");
    Objects.requireNonNull(nonceI, "nonceI");
    Objects.requireNonNull(nonceR, "nonceR");
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(remote, "remote");
    Objects.requireNonNull(age, "age");
    peerIdData = peerIdData == null ? new byte[0] : peerIdData.clone();
    children = List.copyOf(children);
    if (nextRequestId < 0 || nextResponseId < 0) {
      throw new IllegalArgumentException("negative Message ID");
    }
  }

  /** The Identification Data (a copy). */
  @Override
  public byte[] peerIdData() {
    return peerIdData.clone();
  }

  /**
   * One Child SA pair of the IKE SA (RFC 7296 section 1.3), without its keys.
   *
   * @param config the child configuration's name within the peer
   * @param inboundSpi our SPI
   * @param outboundSpi the peer's SPI
   * @param suite the negotiated ESP suite
   * @param esn whether ESN was negotiated
   * @param mode transport or tunnel
   * @param localTs our negotiated traffic selectors
   * @param remoteTs the peer's
   * @param nonceI Ni of the exchange that created it
   * @param nonceR Nr of that exchange
   * @param weInitiated whether we initiated that exchange
   * @param rekeyIn time left until its rekey, null if none is scheduled
   * @param expireIn time left until its hard lifetime, null if it has none
   */
  public record Child(
      String config,
      int inboundSpi,
      int outboundSpi,
      EspSuite suite,
      boolean esn,
      IpsecMode mode,
      List<TsRange> localTs,
      List<TsRange> remoteTs,
      Bytes nonceI,
      Bytes nonceR,
      boolean weInitiated,
      Duration rekeyIn,
      Duration expireIn) {
    public Child {
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(suite, "suite");
      Objects.requireNonNull(mode, "mode");
      Objects.requireNonNull(nonceI, "nonceI");
      Objects.requireNonNull(nonceR, "nonceR");
      localTs = List.copyOf(localTs);
      remoteTs = List.copyOf(remoteTs);
    }

    @Override
    public String toString() {
      return String.format("%s{%08x_i %08x_o}", config, inboundSpi, outboundSpi);
    }
  }

  /** This snapshot with {@code kept} as its children (the same key material, not a copy). */
  public IkeSaSnapshot withChildren(List<Child> kept) {
    return new IkeSaSnapshot(
        peer,
        originalInitiator,
        spiI,
        spiR,
        proposal,
        keymat,
        nonceI,
        nonceR,
        nextRequestId,
        nextResponseId,
        peerIdType,
        peerIdData,
        local,
        remote,
        natHere,
        natThere,
        peerFragmentation,
        age,
        rekeyIn,
        lifeLeft,
        kept);
  }

  /** The peer's identity, or null when the type is unknown or the data does not fit it. */
  public PeerIdentity peerIdentity() {
    try {
      return switch (peerIdType) {
        case PeerIdentity.ID_IPV4_ADDR, PeerIdentity.ID_IPV6_ADDR ->
            new PeerIdentity.IpAddress(InetAddress.getByAddress(peerIdData));
        case PeerIdentity.ID_FQDN ->
            new PeerIdentity.Fqdn(new String(peerIdData, StandardCharsets.US_ASCII));
        case PeerIdentity.ID_RFC822_ADDR ->
            new PeerIdentity.Email(new String(peerIdData, StandardCharsets.US_ASCII));
        case PeerIdentity.ID_DER_ASN1_DN -> new PeerIdentity.Dn(new X500Principal(peerIdData));
        case PeerIdentity.ID_KEY_ID -> new PeerIdentity.KeyId(peerIdData);
        default -> null;
      };
    } catch (UnknownHostException | IllegalArgumentException e) {
      return null;
    }
  }

  /** The ID type of {@code id} (RFC 7296 section 3.5), 0 for null. */
  static int idType(PeerIdentity id) {
    if (id instanceof PeerIdentity.IpAddress ip) {
      return ip.address().getAddress().length == 4
          ? PeerIdentity.ID_IPV4_ADDR
          : PeerIdentity.ID_IPV6_ADDR;
    }
    if (id instanceof PeerIdentity.Fqdn) {
      return PeerIdentity.ID_FQDN;
    }
    if (id instanceof PeerIdentity.Email) {
      return PeerIdentity.ID_RFC822_ADDR;
    }
    if (id instanceof PeerIdentity.Dn) {
      return PeerIdentity.ID_DER_ASN1_DN;
    }
    return id instanceof PeerIdentity.KeyId ? PeerIdentity.ID_KEY_ID : 0;
  }

  /** The Identification Data of {@code id}, empty for null. */
  static byte[] idData(PeerIdentity id) {
    if (id instanceof PeerIdentity.IpAddress ip) {
      return ip.address().getAddress();
    }
    if (id instanceof PeerIdentity.Fqdn f) {
      return f.name().getBytes(StandardCharsets.US_ASCII);
    }
    if (id instanceof PeerIdentity.Email e) {
      return e.address().getBytes(StandardCharsets.US_ASCII);
    }
    if (id instanceof PeerIdentity.Dn dn) {
      return dn.name().getEncoded();
    }
    return id instanceof PeerIdentity.KeyId k ? k.id() : new byte[0];
  }

  /** Wipes the key material. Idempotent. */
  @Override
  public void close() {
    keymat.wipe();
  }

  @Override
  public String toString() {
    return String.format(
        "IKE SA %016x_i %016x_r with %s (%d children)", spiI, spiR, peer, children.size());
  }
}
