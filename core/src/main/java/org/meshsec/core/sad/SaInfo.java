package org.meshsec.core.sad;

import java.net.InetAddress;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Selector;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SaLifetime;
import org.meshsec.inet.InetText;

/**
 * An immutable snapshot of one SA for {@link KeyEngine#dump()}, {@link KeyEngine#get} and the
 * events: attributes and counters, taken under the SA's lock so the counters agree with each other.
 * Holds no key material. Fields a LARVAL SA does not have yet are null (mode, selector, suite) or
 * 0.
 *
 * @param direction IN or OUT
 * @param spi the SPI
 * @param state the state when the snapshot was taken
 * @param local our outer address
 * @param localPort our UDP port (0 while LARVAL)
 * @param peer the peer's outer address
 * @param peerPort the peer's UDP port (0 while LARVAL)
 * @param mode transport or tunnel
 * @param selector the traffic selector, in the SA's direction
 * @param policyId the policy served (-1 while LARVAL)
 * @param suite the ESP suite
 * @param esn Extended Sequence Numbers
 * @param replayWindow anti-replay window size
 * @param soft soft lifetime
 * @param hard hard lifetime
 * @param bytes payload bytes sealed or opened successfully
 * @param packets packets sealed or opened successfully
 * @param replayDrops inbound packets rejected by the anti-replay window
 * @param icvFailures inbound packets whose ICV did not verify
 * @param policyMismatches inbound packets that opened but lay outside the selector (the inbound
 *     policy check, XfrmInTmplMismatch)
 * @param createdMillis when the SA was created (getSpi or add), on the SAD's clock
 * @param addMillis when it became MATURE (lifetimes count from here), -1 while LARVAL
 * @param lastUseMillis last successful packet, -1 if none (resolution: the SAD's clock updates, see
 *     {@link Sad#expire})
 * @param queued packets waiting in the LARVAL queue
 */
public record SaInfo(
    Direction direction,
    int spi,
    SaState state,
    InetAddress local,
    int localPort,
    InetAddress peer,
    int peerPort,
    IpsecMode mode,
    Selector selector,
    long policyId,
    EspSuite suite,
    boolean esn,
    int replayWindow,
    SaLifetime soft,
    SaLifetime hard,
    long bytes,
    long packets,
    long replayDrops,
    long icvFailures,
    long policyMismatches,
    long createdMillis,
    long addMillis,
    long lastUseMillis,
    int queued) {

  @Override
  public String toString() {
    return String.format(
        "SA[%s spi=0x%08x %s %s:%d <-> %s:%d %s %s policy=%d %s bytes=%d packets=%d"
            + " replayDrops=%d icvFailures=%d policyMismatches=%d queued=%d]",
        direction,
        spi,
        state,
        local == null ? "-" : InetText.format(local),
        localPort,
        InetText.format(peer),
        peerPort,
        mode,
        selector,
        policyId,
        suite,
        bytes,
        packets,
        replayDrops,
        icvFailures,
        policyMismatches,
        queued);
  }
}
