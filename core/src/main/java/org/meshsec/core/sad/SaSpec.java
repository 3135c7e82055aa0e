package org.meshsec.core.sad;

import java.net.InetAddress;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Selector;
import org.meshsec.esp.EspSaParams;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SaLifetime;
import org.meshsec.inet.InetText;

/**
 * What key management (IKE, or manual keying from the config file) supplies for one SA in one
 * direction: the PF_KEY SADB_ADD / SADB_UPDATE message of RFC 2367 section 3.1, as a value.
 *
 * <p><b>Key material ownership.</b> {@link KeyEngine#add} and {@link KeyEngine#update} hand the
 * array to the ESP transform, which copies it; the SAD keeps no reference. The caller wipes its
 * array after the call returns. {@link #toString()} prints the key length only, never key bytes.
 * {@code equals} compares the array by identity (record default).
 *
 * @param direction IN (we receive with it; we chose the SPI) or OUT (we send; the peer chose it)
 * @param spi Security Parameters Index (RFC 4303 section 2.1), never 0..255
 * @param local our outer address
 * @param localPort our UDP port (4500 for ESP in UDP, RFC 3948)
 * @param peer the peer's outer address
 * @param peerPort the peer's UDP port (4500, or what NAT mapped it to)
 * @param mode transport or tunnel (RFC 4301 section 4.1)
 * @param selector the traffic this SA carries, written in the SA's own direction (for an IN SA,
 *     {@code src} is the peer's side): the inbound policy check requires every decrypted inner
 *     packet to match it (RFC 4301 section 5.2)
 * @param policyId the id of the SPD policy this SA serves; outbound SAs are found by (policy id,
 *     peer)
 * @param suite the ESP cryptographic suite
 * @param keyMaterial encryption key [+ salt] [+ integrity key], laid out as {@link EspSuite} says
 * @param esn Extended Sequence Numbers (RFC 4303 section 2.2.1)
 * @param replayWindow anti-replay window in packets (inbound; 0 disables)
 * @param soft soft lifetime: SOFT_EXPIRE, SA becomes DYING
 * @param hard hard lifetime: HARD_EXPIRE, SA becomes DEAD
 */
public record SaSpec(
    Direction direction,
    int spi,
    InetAddress local,
    int localPort,
    InetAddress peer,
    int peerPort,
    IpsecMode mode,
    Selector selector,
    long policyId,
    EspSuite suite,
    byte[] keyMaterial,
    boolean esn,
    int replayWindow,
    SaLifetime soft,
    SaLifetime hard) {

  public SaSpec {
    if (direction == null
        || local == null
        || peer == null
        || mode == null
        || selector == null
        || suite == null
        || keyMaterial == null
        || soft == null
        || hard == null) {
      throw new IllegalArgumentException("all SA fields except the numbers are required");
    }
    if (Sad.isReservedSpi(spi)) {
      throw new IllegalArgumentException(
          "SPI " + Integer.toUnsignedString(spi) + " is reserved (0..255)");
    }
    if (localPort < 1 || localPort > 65535 || peerPort < 1 || peerPort > 65535) {
      throw new IllegalArgumentException("UDP ports must be 1..65535");
    }
    if (keyMaterial.length != suite.keyMaterialLength()) {
      // length only: never the bytes
      throw new IllegalArgumentException(
          "suite "
              + suite
              + " needs "
              + suite.keyMaterialLength()
              + " bytes of key material, got "
              + keyMaterial.length);
    }
    if (replayWindow < 0 || replayWindow > EspSaParams.MAX_REPLAY_WINDOW) {
      throw new IllegalArgumentException(
          "replay window must be 0.." + EspSaParams.MAX_REPLAY_WINDOW);
    }
    if (!soft.notAbove(hard)) {
      throw new IllegalArgumentException("soft lifetime " + soft + " exceeds hard " + hard);
    }
  }

  /** The parameters of the ESP transform (shares, does not copy, the key array). */
  EspSaParams espParams() {
    return new EspSaParams(spi, suite, keyMaterial, esn, replayWindow);
  }

  @Override
  public String toString() {
    return String.format(
        "SaSpec[%s spi=0x%08x %s:%d <-> %s:%d %s %s policy=%d %s esn=%s replay=%d soft=%s hard=%s"
            + " key=<%d bytes>]",
        direction,
        spi,
        InetText.format(local),
        localPort,
        InetText.format(peer),
        peerPort,
        mode,
        selector,
        policyId,
        suite,
        esn,
        replayWindow,
        soft,
        hard,
        keyMaterial.length);
  }
}
