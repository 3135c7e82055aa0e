package org.meshsec.ike.port;

/**
 * One set of lifetime limits for an SA in the data plane (RFC 4301 section 4.4.2.1; PF_KEY's soft
 * and hard Lifetime extensions). Zero means no limit in that dimension. The engine handles time
 * based rekeying itself (with jitter); byte and packet limits can only be counted by the data
 * plane, which reports them through {@code IkeEngine.expire}.
 *
 * @param seconds seconds after installation, 0 for none
 * @param bytes bytes, 0 for none
 * @param packets packets, 0 for none
 */
public record SaLifetime(long seconds, long bytes, long packets) {

  /** No limit. */
  public static final SaLifetime NONE = new SaLifetime(0, 0, 0);

  public SaLifetime {
    if (seconds < 0 || bytes < 0 || packets < 0) {
      throw new IllegalArgumentException("lifetime limits must be >= 0 (0 = none)");
    }
  }
}
