package org.meshsec.ike.sa;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import org.meshsec.esp.EncrAlgorithm;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.crypto.IkeSaKeys;
import org.meshsec.ike.crypto.Prf;
import org.meshsec.ike.crypto.SignatureHashAlgorithm;
import org.meshsec.ike.message.AesCbcHmacSkCipher;
import org.meshsec.ike.message.AesGcmSkCipher;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.SkCipher;

/**
 * The keying context of one IKE SA: what IKE_SA_INIT (or the CREATE_CHILD_SA that rekeyed the SA,
 * RFC 7296 section 2.18) negotiated and what IKE_AUTH and the Child SA exchanges need from it. That
 * is the SPIs, the nonces Ni and Nr, both IKE_SA_INIT messages as sent (for the AUTH payloads,
 * section 2.15), the chosen proposal, its PRF and the seven keys (section 2.14) with the SK ciphers
 * of both directions, what the peer announced in IKE_SA_INIT (RFC 7383 fragmentation, RFC 7427 hash
 * algorithms) and the NAT detection results (section 2.23).
 *
 * <p>The IKE_SA_INIT task fills it in, phase by phase ({@link #learnResponderSpi}, {@link
 * #initMessages}, {@link #negotiated}, {@link #peerSupport}, {@link #nat}); the keys are set once.
 * An SA created by rekeying receives a whole context from {@link #rekeyed}. The {@link IkeSa} owns
 * it and wipes the keys when it is destroyed.
 *
 * <p>Not thread-safe: confined to the owning IKE SA's executor, like the SA.
 */
public final class IkeKeying {
  private final boolean originalInitiator;
  private final SecureRandom random;
  private final long spiI;
  private long spiR;

  private Bytes nonceI;
  private Bytes nonceR;
  private byte[] initRequest;
  private byte[] initResponse;
  private IkeProposal proposal;
  private Prf prf;
  private IkeSaKeys keys;
  private SkCipher outCipher;
  private SkCipher inCipher;
  private boolean peerFragmentation;
  private Set<SignatureHashAlgorithm> peerHashes = Set.of();
  private boolean natHere;
  private boolean natThere;

  /**
   * A context before IKE_SA_INIT completed.
   *
   * @param originalInitiator whether we are the original initiator (we send with SK_ei/SK_ai)
   * @param spiR 0 for an initiator until the response arrives
   * @param random for the IVs of a CBC SK cipher
   */
  IkeKeying(boolean originalInitiator, long spiI, long spiR, SecureRandom random) {
    this.originalInitiator = originalInitiator;
    this.spiI = spiI;
    this.spiR = spiR;
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * The context of the SA created by rekeying {@code old} (section 2.18): new SPIs, nonces and
   * keys; the peer's announcements and the NAT results carry over.
   *
   * @param weInitiated whether we initiated the rekey (and so are the new SA's original initiator)
   */
  public static IkeKeying rekeyed(
      IkeKeying old,
      boolean weInitiated,
      long spiI,
      long spiR,
      IkeProposal proposal,
      Prf prf,
      IkeSaKeys keys,
      Bytes ni,
      Bytes nr) {
    IkeKeying k = new IkeKeying(weInitiated, spiI, spiR, old.random);
    k.negotiated(proposal, prf, keys, ni, nr);
    k.peerFragmentation = old.peerFragmentation;
    k.peerHashes = old.peerHashes;
    k.natHere = old.natHere;
    k.natThere = old.natThere;
    return k;
  }

  /**
   * The context of an SA resumed after a hot restart ({@link IkeSaSnapshot}): what IKE_SA_INIT or
   * the last rekey negotiated, without the IKE_SA_INIT messages (IKE_AUTH is long done).
   */
  static IkeKeying resumed(IkeSaSnapshot s, IkeSaKeys keys, SecureRandom random) {
    IkeKeying k = new IkeKeying(s.originalInitiator(), s.spiI(), s.spiR(), random);
    k.negotiated(s.proposal(), Prf.of(s.proposal().prf()), keys, s.nonceI(), s.nonceR());
    k.peerFragmentation = s.peerFragmentation();
    k.natHere = s.natHere();
    k.natThere = s.natThere();
    return k;
  }

  // ---------------------------------------------------------------- SPIs

  /** Whether we are the SA's original initiator. */
  boolean originalInitiator() {
    return originalInitiator;
  }

  public long spiI() {
    return spiI;
  }

  public long spiR() {
    return spiR;
  }

  /** Initiator: SPIr, learnt from the IKE_SA_INIT response. */
  public void learnResponderSpi(long spi) {
    if (!originalInitiator) {
      throw new IllegalStateException("the responder chose SPIr itself");
    }
    if (keys != null) {
      throw new IllegalStateException("SPIr is fixed once the keys are derived");
    }
    this.spiR = spi;
  }

  // ---------------------------------------------------------------- IKE_SA_INIT messages

  /**
   * Records an IKE_SA_INIT message as sent or received; the last request and response are those the
   * AUTH payloads sign (section 2.15). A null argument leaves that message as it is.
   */
  public void initMessages(byte[] request, byte[] response) {
    if (request != null) {
      this.initRequest = request;
    }
    if (response != null) {
      this.initResponse = response;
    }
  }

  /** The IKE_SA_INIT request as sent or received, for the AUTH payloads (section 2.15). */
  public byte[] initRequest() {
    return initRequest;
  }

  /** The IKE_SA_INIT response as sent or received. */
  public byte[] initResponse() {
    return initResponse;
  }

  // ---------------------------------------------------------------- keys

  /**
   * Sets the nonces, the negotiated proposal and PRF and the keys (section 2.14), and makes the SK
   * ciphers for both directions: we send with SK_ei/SK_ai as original initiator, SK_er/SK_ar as
   * original responder. Once per context.
   */
  public void negotiated(
      IkeProposal negotiated, Prf negotiatedPrf, IkeSaKeys derived, Bytes ni, Bytes nr) {
    if (keys != null) {
      throw new IllegalStateException("the IKE SA keys are already set");
    }
    this.nonceI = Objects.requireNonNull(ni, "ni");
    this.nonceR = Objects.requireNonNull(nr, "nr");
    this.proposal = negotiated;
    this.prf = negotiatedPrf;
    this.keys = derived;
    SkCipher fromI = skCipher(derived.suite(), derived.skEi(), derived.skAi());
    SkCipher fromR = skCipher(derived.suite(), derived.skEr(), derived.skAr());
    this.outCipher = originalInitiator ? fromI : fromR;
    this.inCipher = originalInitiator ? fromR : fromI;
  }

  private SkCipher skCipher(EspSuite suite, SecretBytes enc, SecretBytes integ) {
    byte[] e = enc.copy();
    try {
      if (suite.encr().equals(EncrAlgorithm.AES_GCM_16)) {
        return new AesGcmSkCipher(e, 16, 0);
      }
      byte[] a = integ.copy();
      try {
        return AesCbcHmacSkCipher.of(e, suite.integ(), a, random);
      } finally {
        Arrays.fill(a, (byte) 0);
      }
    } finally {
      Arrays.fill(e, (byte) 0);
    }
  }

  /** The negotiated IKE proposal; null before IKE_SA_INIT completed. */
  public IkeProposal proposal() {
    return proposal;
  }

  public Prf prf() {
    return prf;
  }

  /** The seven keys; null before IKE_SA_INIT completed. */
  public IkeSaKeys keys() {
    return keys;
  }

  /** The SK cipher of the messages we send; null before the keys are set or after the wipe. */
  public SkCipher outCipher() {
    return outCipher;
  }

  /** The SK cipher of the messages we receive; null before the keys are set or after the wipe. */
  public SkCipher inCipher() {
    return inCipher;
  }

  /** Ni of IKE_SA_INIT (or of the rekeying exchange). */
  public Bytes nonceI() {
    return nonceI;
  }

  /** Nr of IKE_SA_INIT (or of the rekeying exchange). */
  public Bytes nonceR() {
    return nonceR;
  }

  /** The lower of Ni and Nr: the SA holding the lowest nonce loses a collision (section 2.8.2). */
  public Bytes lowestNonce() {
    return Bytes.compareNonces(nonceI, nonceR) <= 0 ? nonceI : nonceR;
  }

  /** Wipes the keys and closes the SK ciphers (their key copies wiped too). Idempotent. */
  void wipe() {
    if (keys != null) {
      keys.wipe();
    }
    if (outCipher != null) {
      outCipher.close();
      inCipher.close();
    }
    outCipher = null;
    inCipher = null;
  }

  // ---------------------------------------------------------------- the peer's announcements

  /**
   * What the peer announced in IKE_SA_INIT: IKEV2_FRAGMENTATION_SUPPORTED (RFC 7383 section 2.3)
   * and the hashes of SIGNATURE_HASH_ALGORITHMS (RFC 7427 section 4).
   */
  public void peerSupport(boolean fragmentation, Set<SignatureHashAlgorithm> hashes) {
    this.peerFragmentation = fragmentation;
    this.peerHashes = Set.copyOf(hashes);
  }

  /** Whether the peer announced IKEV2_FRAGMENTATION_SUPPORTED. */
  public boolean peerFragmentation() {
    return peerFragmentation;
  }

  /** The hashes of the peer's SIGNATURE_HASH_ALGORITHMS (RFC 7427 section 4). */
  public Set<SignatureHashAlgorithm> peerHashes() {
    return peerHashes;
  }

  /** NAT detection results (section 2.23): we are, or the peer is, behind a NAT. */
  public void nat(boolean here, boolean there) {
    this.natHere = here;
    this.natThere = there;
  }

  public boolean natHere() {
    return natHere;
  }

  public boolean natThere() {
    return natThere;
  }
}
