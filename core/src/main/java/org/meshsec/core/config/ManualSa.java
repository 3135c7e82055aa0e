package org.meshsec.core.config;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.PolicyKey;
import org.meshsec.esp.EspSaParams;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SaLifetime;
import org.meshsec.esp.SecretBytes;

/**
 * A manually keyed SA from a {@code [[sa]]} table (RFC 4301 section 4.5, "manual SA and key
 * management"): one direction, one suite, a key from the secrets file. Equality includes the key
 * contents (compared in constant time by {@link SecretBytes}); {@link #toString()} never shows key
 * bytes.
 *
 * @param name the operator's name for it
 * @param spi Security Parameters Index as an unsigned 32-bit value held in an int, above 255 (RFC
 *     4303 section 2.1)
 * @param direction OUT: we send with it; IN: we receive with it
 * @param policy name of the PROTECT policy it serves (the half with the same direction)
 * @param mode transport or tunnel, as the policy
 * @param local our underlay address
 * @param peer the peer's underlay address
 * @param suite the ESP suite, one of the policy's
 * @param esn Extended Sequence Numbers (RFC 4303 section 2.2.1)
 * @param replayWindow anti-replay window in packets (IN only; 0 for OUT or when disabled)
 * @param soft soft lifetime
 * @param hard hard lifetime
 * @param keyName the key's name in the secrets file
 * @param key the key material, laid out as {@link EspSuite} describes
 */
public record ManualSa(
    String name,
    int spi,
    Direction direction,
    String policy,
    IpsecMode mode,
    InetAddress local,
    InetAddress peer,
    EspSuite suite,
    boolean esn,
    int replayWindow,
    SaLifetime soft,
    SaLifetime hard,
    String keyName,
    SecretBytes key) {

  public ManualSa {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(soft, "soft");
    Objects.requireNonNull(hard, "hard");
    Objects.requireNonNull(keyName, "keyName");
    Objects.requireNonNull(key, "key");
    if (Integer.compareUnsigned(spi, 255) <= 0) {
      throw new IllegalArgumentException("SPI must be above 255");
    }
  }

  /** The policy half it serves: {@link #policy()} in its direction. */
  public PolicyKey policyKey() {
    return new PolicyKey(policy, direction);
  }

  /** The SPI as an unsigned value. */
  public long spiUnsigned() {
    return Integer.toUnsignedLong(spi);
  }

  /** The SPI as {@code 0x} followed by 8 hex digits. */
  public String spiHex() {
    return String.format("0x%08x", spi);
  }

  /**
   * Parameters for the ESP transform. The returned record holds a fresh copy of the key, which the
   * caller owns: wipe {@code keyMaterial()} once the ESP context has been built from it.
   *
   * @throws IllegalStateException if the key has been wiped
   */
  public EspSaParams toEspSaParams() {
    byte[] k = key.copy();
    try {
      return new EspSaParams(spi, suite, k, esn, replayWindow);
    } catch (IllegalArgumentException e) {
      Arrays.fill(k, (byte) 0);
      throw e;
    }
  }
}
