package org.meshsec.core.control.command;

import static org.meshsec.core.control.command.Replies.duration;
import static org.meshsec.core.control.command.Replies.endpoint;
import static org.meshsec.core.control.command.Replies.seconds;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.meshsec.core.config.IkePeer;
import org.meshsec.core.control.Command;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.daemon.Daemon;
import org.meshsec.core.ike.IkeService;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.sa.ChildSaInfo;
import org.meshsec.ike.sa.IkeSaInfo;

/**
 * {@code ike-list}: the IKE SAs with their SPIs (IKEv1: cookies, with the phase 1 mode), proposal,
 * ages and Child SAs. Never shows key material (IkeSaInfo carries none). Thread-safe (engine
 * snapshots).
 */
public final class IkeListCommand implements Command<ControlRequest.IkeList> {

  /** One IKE SA of {@code ike-list --json}. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record View(
      long id,
      String peer,
      String state,
      boolean initiator,
      String spiI,
      String spiR,
      String local,
      String remote,
      String proposal,
      String localId,
      String remoteId,
      String auth,
      long ageSeconds,
      Long establishedSeconds,
      Long rekeyInSeconds,
      List<ChildView> children,
      int version,
      String mode) {}

  /** One Child SA of {@code ike-list --json}. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record ChildView(
      String name,
      String state,
      String spiIn,
      String spiOut,
      String suite,
      boolean esn,
      String pfs,
      String mode,
      List<String> localTs,
      List<String> remoteTs,
      boolean initiator,
      Long ageSeconds,
      Long rekeyInSeconds) {}

  private final Daemon d;

  public IkeListCommand(Daemon d) {
    this.d = d;
  }

  @Override
  public ControlResponse run(ControlRequest.IkeList request) {
    IkeService ike = d.ike();
    List<IkeSaInfo> sas = ike == null ? List.of() : ike.list();
    Instant now = Instant.now();
    if (request.json()) {
      return ControlResponse.json(true, sas.stream().map(s -> view(s, now)).toList());
    }
    if (ike == null) {
      return ControlResponse.ok("no [[peer]] configured\n");
    }
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "%-4s %-14s %-11s %-9s %-45s %-44s %7s %9s%n",
            "id", "peer", "state", "role", "local <-> remote", "proposal", "age", "rekey in"));
    for (IkeSaInfo s : sas) {
      Optional<IkePeer> peer = s.peer() == null ? Optional.empty() : d.config().peer(s.peer());
      sb.append(
          String.format(
              "%-4d %-14s %-11s %-9s %-45s %-44s %7s %9s%n",
              s.id(),
              s.peer() == null ? "-" : s.peer(),
              s.state(),
              s.originalInitiator() ? "initiator" : "responder",
              endpoint(s.local()) + " <-> " + endpoint(s.remote()),
              s.proposal() == null ? "-" : s.proposal().configName(),
              duration(seconds(s.created(), now)),
              s.rekeyAt() == null ? "-" : duration(seconds(now, s.rekeyAt()))));
      sb.append(
          String.format(
              "     SPIs %016x_i %016x_r%s%n",
              s.initiatorSpi(),
              s.responderSpi(),
              s.version() == 1 ? "  IKEv1 " + s.mode() + " mode" : ""));
      if (peer.isPresent()) {
        sb.append(
            String.format(
                "     ids %s <-> %s, auth %s%n",
                peer.get().localId().text(), peer.get().remoteId().text(), authName(peer.get())));
      }
      for (ChildSaInfo c : s.children()) {
        sb.append(
            String.format(
                "     child %-12s %-9s in 0x%08x out 0x%08x %s pfs %s %s%s %s === %s  age %s rekey in"
                    + " %s%n",
                c.name(),
                c.state(),
                c.inboundSpi(),
                c.outboundSpi(),
                c.suite().configName(),
                pfs(peer, c),
                c.mode().name().toLowerCase(),
                c.esn() ? " esn" : "",
                String.join(",", c.localTs().stream().map(IkeService::format).toList()),
                String.join(",", c.remoteTs().stream().map(IkeService::format).toList()),
                c.installed() == null ? "-" : duration(seconds(c.installed(), now)),
                c.rekeyAt() == null ? "-" : duration(seconds(now, c.rekeyAt()))));
      }
    }
    return ControlResponse.ok(sb.toString());
  }

  /** The configuration's name of a peer's authentication method. */
  private static String authName(IkePeer p) {
    return p.auth() instanceof IkePeer.Auth.Psk ? "psk" : "pubkey";
  }

  /**
   * The PFS group of a Child SA's rekeys, by the configuration's keyword: that of the peer's ESP
   * proposal the pair was negotiated with (same suite and ESN), {@code none} without one.
   */
  private static String pfs(Optional<IkePeer> peer, ChildSaInfo c) {
    return peer.flatMap(
            p ->
                p.espProposals().stream()
                    .filter(e -> e.suite().equals(c.suite()) && e.esn() == c.esn())
                    .findFirst())
        .filter(EspProposal::hasPfs)
        .map(e -> IkeProposal.groupName(e.pfsGroup()))
        .orElse("none");
  }

  private View view(IkeSaInfo s, Instant now) {
    Optional<IkePeer> peer = s.peer() == null ? Optional.empty() : d.config().peer(s.peer());
    return new View(
        s.id(),
        s.peer(),
        s.state().name(),
        s.originalInitiator(),
        String.format("%016x", s.initiatorSpi()),
        String.format("%016x", s.responderSpi()),
        endpoint(s.local()),
        endpoint(s.remote()),
        s.proposal() == null ? null : s.proposal().configName(),
        peer.map(p -> p.localId().text()).orElse(null),
        peer.map(p -> p.remoteId().text()).orElse(null),
        peer.map(IkeListCommand::authName).orElse(null),
        seconds(s.created(), now),
        s.established() == null ? null : seconds(s.established(), now),
        s.rekeyAt() == null ? null : seconds(now, s.rekeyAt()),
        s.children().stream().map(c -> child(peer, c, now)).toList(),
        s.version(),
        s.mode());
  }

  private static ChildView child(Optional<IkePeer> peer, ChildSaInfo c, Instant now) {
    return new ChildView(
        c.name(),
        c.state().name(),
        String.format("0x%08x", c.inboundSpi()),
        String.format("0x%08x", c.outboundSpi()),
        c.suite().configName(),
        c.esn(),
        pfs(peer, c),
        c.mode().name().toLowerCase(),
        c.localTs().stream().map(IkeService::format).toList(),
        c.remoteTs().stream().map(IkeService::format).toList(),
        c.weInitiated(),
        c.installed() == null ? null : seconds(c.installed(), now),
        c.rekeyAt() == null ? null : seconds(now, c.rekeyAt()));
  }
}
