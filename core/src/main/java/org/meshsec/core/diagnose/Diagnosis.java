package org.meshsec.core.diagnose;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * The report of {@code meshsec diagnose PEER} ({@code --json} prints it as is; the text form is
 * {@link #text()}). Counters are deltas over the sampling window.
 *
 * @param peer the peer's name
 * @param peerAddress its underlay address (as IKE last saw it, else as configured)
 * @param sampleSeconds the length of the sampling window
 * @param underlayPing whether the underlay address answered an ICMP echo (null: not probed)
 * @param ikeProbe whether the IKE liveness check was answered (null: no IKE SA to ask in)
 * @param ike the peer's IKE SA, null if none
 * @param sas the ESP SAs with the peer, each with its own replay, ICV and inbound policy drops
 * @param drops node-wide drop counters (xfrm_stat names) that moved during the window: those no SA
 *     of the peer can own (unknown SPIs, expired SAs, no outbound SA) or that mix malformed packets
 *     with ICV failures (InStateProtoError)
 * @param pathMtu the largest DF packet that reached the peer (null: not measured)
 * @param underlayMtu the configured underlay MTU
 * @param verdict the most likely cause and the next command
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Diagnosis(
    String peer,
    String peerAddress,
    double sampleSeconds,
    Boolean underlayPing,
    Boolean ikeProbe,
    Ike ike,
    List<Sa> sas,
    List<Drop> drops,
    Integer pathMtu,
    int underlayMtu,
    Verdict verdict) {

  /** The peer's IKE SA. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Ike(String state, String spiI, String spiR, long ageSeconds, int childSas) {}

  /** One ESP SA with the peer. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Sa(
      String direction,
      String spi,
      String state,
      long ageSeconds,
      long packets,
      long bytes,
      long replayDrops,
      long icvFailures,
      long policyMismatches) {}

  /** A node-wide drop counter that moved. */
  public record Drop(String counter, long delta) {}

  /** The one screen of the text form. */
  public String text() {
    StringBuilder b = new StringBuilder();
    b.append(String.format("diagnose %s (%s), sampled %.1f s%n", peer, peerAddress, sampleSeconds));
    b.append(
        String.format(
            "  underlay   ping %s; IKE liveness check %s%n",
            yesNo(underlayPing, "answered", "no answer"),
            ikeProbe == null ? "not sent (no IKE SA)" : ikeProbe ? "answered" : "no answer"));
    if (ike == null) {
      b.append("  IKE SA     none\n");
    } else {
      b.append(
          String.format(
              "  IKE SA     %s %s_i %s_r, age %d s, %d Child SA(s)%n",
              ike.state(), ike.spiI(), ike.spiR(), ike.ageSeconds(), ike.childSas()));
    }
    if (sas.isEmpty()) {
      b.append("  ESP SAs    none\n");
    }
    for (Sa s : sas) {
      b.append(
          String.format(
              "  ESP %-3s    %s %-7s age %5d s  %+d packets %+d bytes  replay %+d  icv %+d"
                  + "  policy %+d%n",
              s.direction(),
              s.spi(),
              s.state(),
              s.ageSeconds(),
              s.packets(),
              s.bytes(),
              s.replayDrops(),
              s.icvFailures(),
              s.policyMismatches()));
    }
    b.append("  drops      ");
    if (drops.isEmpty()) {
      b.append("none during the sample\n");
    } else {
      b.append(String.join(", ", drops.stream().map(d -> d.counter() + " +" + d.delta()).toList()));
      b.append('\n');
    }
    b.append(
        String.format(
            "  path MTU   %s (underlay_mtu %d)%n",
            pathMtu == null ? "not measured" : pathMtu.toString(), underlayMtu));
    b.append(String.format("verdict: %s: %s%n", verdict.kind(), verdict.cause()));
    b.append(String.format("next:    %s%n", verdict.next()));
    return b.toString();
  }

  private static String yesNo(Boolean b, String yes, String no) {
    return b == null ? "not probed" : b ? yes : no;
  }
}
