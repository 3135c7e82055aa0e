package org.meshsec.esp;

/**
 * Everything the ESP transform needs to know about one SA, in one direction.
 *
 * <p>The key material array is owned by the {@link EspContext} built from these parameters, which
 * copies it and wipes its copy on {@link EspContext#close()}; the caller wipes its own array.
 * {@link #toString()} never prints key bytes.
 *
 * @param spi Security Parameters Index, in host order as an unsigned 32-bit value held in an int
 * @param suite the cryptographic suite
 * @param keyMaterial encryption key [+ salt] [+ integrity key], see {@link EspSuite}
 * @param esn whether Extended Sequence Numbers are in use (RFC 4303 section 2.2.1)
 * @param replayWindow anti-replay window size in packets (inbound only; 0 disables the check)
 */
public record EspSaParams(
    int spi, EspSuite suite, byte[] keyMaterial, boolean esn, int replayWindow) {

  /**
   * Default anti-replay window: wide enough that packets reordered by a multi-queue path or a busy
   * underlay are not dropped as replays (Linux and strongSwan default to 32).
   */
  public static final int DEFAULT_REPLAY_WINDOW = 1024;

  /** Largest supported window. */
  public static final int MAX_REPLAY_WINDOW = 65536;

  public EspSaParams {
    if (suite == null || keyMaterial == null) {
      throw new IllegalArgumentException("suite and key material are required");
    }
    if (keyMaterial.length != suite.keyMaterialLength()) {
      throw new IllegalArgumentException(
          "suite "
              + suite
              + " needs "
              + suite.keyMaterialLength()
              + " bytes of key material, got "
              + keyMaterial.length);
    }
    if (replayWindow < 0 || replayWindow > MAX_REPLAY_WINDOW) {
      throw new IllegalArgumentException("replay window must be 0.." + MAX_REPLAY_WINDOW);
    }
  }

  @Override
  public String toString() {
    return String.format(
        "EspSaParams[spi=0x%08x, suite=%s, esn=%s, replayWindow=%d, key=<%d bytes>]",
        spi, suite, esn, replayWindow, keyMaterial.length);
  }
}
