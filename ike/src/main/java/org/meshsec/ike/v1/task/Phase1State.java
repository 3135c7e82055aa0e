package org.meshsec.ike.v1.task;

import java.security.SecureRandom;
import java.util.Objects;
import org.meshsec.ike.crypto.KeyExchange;
import org.meshsec.ike.v1.crypto.IvChain;
import org.meshsec.ike.v1.crypto.Phase1Keys;
import org.meshsec.ike.v1.message.CbcCipher;
import org.meshsec.ike.v1.message.IdPayload;

/**
 * What an ISAKMP SA learns during phase 1 (RFC 2409 section 5): cookies, the chosen proposal, the
 * key exchange and nonces, SAi_b, the derived keys, the CBC IV chain and the peer's identity. The
 * Main Mode task fills it; later exchanges (Quick Mode, informational) read the keys and the IV
 * chain. The randomness (cookies, nonces, DH private values) is injected.
 *
 * <p>Not thread-safe: owned by one ISAKMP SA, used on its executor. {@link #wipe()} drops the key
 * material when the SA goes away.
 */
public final class Phase1State {
  private final boolean initiator;
  private final Phase1Config config;
  private final SecureRandom random;
  private long initiatorCookie;
  private long responderCookie;
  Phase1Proposal chosen;
  byte[] saiB;
  KeyExchange keyExchange;
  byte[] gxi;
  byte[] gxr;
  byte[] niB;
  byte[] nrB;
  Phase1Keys keys;
  IvChain ivs;
  CbcCipher cipher;
  IdPayload remoteId;
  boolean established;
  boolean initialContact;

  /**
   * @param initiator which side we are
   * @param config proposals, PSK, identities
   * @param random source of cookies, nonces and DH private values
   */
  public Phase1State(boolean initiator, Phase1Config config, SecureRandom random) {
    this.initiator = initiator;
    this.config = Objects.requireNonNull(config, "config");
    this.random = Objects.requireNonNull(random, "random");
    long cookie = 0;
    while (cookie == 0) {
      cookie = random.nextLong();
    }
    if (initiator) {
      initiatorCookie = cookie;
    } else {
      responderCookie = cookie;
    }
  }

  public boolean initiator() {
    return initiator;
  }

  public Phase1Config config() {
    return config;
  }

  SecureRandom random() {
    return random;
  }

  public long initiatorCookie() {
    return initiatorCookie;
  }

  public long responderCookie() {
    return responderCookie;
  }

  /** Learns the peer's cookie from its first message. */
  void peerCookie(long cookie) {
    if (initiator) {
      responderCookie = cookie;
    } else {
      initiatorCookie = cookie;
    }
  }

  /**
   * Sets both cookies at once: for an SA rebuilt from elsewhere (tests replaying a recording whose
   * cookies are fixed).
   */
  void restoreCookies(long initiatorCookie, long responderCookie) {
    this.initiatorCookie = initiatorCookie;
    this.responderCookie = responderCookie;
  }

  /** The negotiated proposal, null before message 2. */
  public Phase1Proposal chosen() {
    return chosen;
  }

  /** The phase 1 keys, null before the key exchange completed. */
  public Phase1Keys keys() {
    return keys;
  }

  /** The CBC IV chain, null before the key exchange completed. */
  public IvChain ivs() {
    return ivs;
  }

  /** The phase 1 cipher, null before the key exchange completed. */
  public CbcCipher cipher() {
    return cipher;
  }

  /** The peer's authenticated identity, null before authentication. */
  public IdPayload remoteId() {
    return remoteId;
  }

  /** Whether phase 1 completed: both sides authenticated. */
  public boolean established() {
    return established;
  }

  /**
   * Whether the peer's Main Mode (5) carried N(INITIAL-CONTACT) (RFC 2407 section 4.6.3.3), as
   * strongSwan sends it: the peer holds no other SA with us.
   */
  public boolean initialContact() {
    return initialContact;
  }

  /**
   * The lower of Ni_b and Nr_b, unsigned (null before both are known): of two ISAKMP SAs made at
   * once, the one with the lowest nonce is redundant (the rule of RFC 7296 section 2.8.1).
   */
  public byte[] lowestNonce() {
    return Nonces.lowest(niB, nrB);
  }

  /** Drops the key material and the DH private value. Idempotent. */
  public void wipe() {
    if (keys != null) {
      keys.wipe();
    }
    if (keyExchange != null) {
      keyExchange.destroy();
    }
    if (cipher != null) {
      cipher.close();
    }
  }

  @Override
  public String toString() {
    return String.format(
        "Phase1State[%s %016x/%016x%s]",
        initiator ? "initiator" : "responder",
        initiatorCookie,
        responderCookie,
        established ? " established" : "");
  }
}
