package org.meshsec.ike.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.meshsec.esp.IpsecMode;
import org.meshsec.ike.port.TsRange;

/**
 * One Child SA configuration of a peer (strongSwan's {@code child_cfg_t}): the traffic it carries,
 * its mode, its ESP proposals, its lifetime and start action.
 *
 * <p>Traffic selector templates: an empty list means "dynamic": the IKE SA's own outer address on
 * that side (host-to-host, as strongSwan's {@code %dynamic}). The initiator proposes the templates;
 * the responder narrows what it receives to them (RFC 7296 section 2.9).
 *
 * @param name unique among the peer's children, for logs and commands
 * @param policyRef the data plane's policy this child serves; acquires name it; 0 if none
 * @param localTs our side's templates (empty: our outer address)
 * @param remoteTs the peer side's templates (empty: the peer's outer address)
 * @param mode transport or tunnel
 * @param proposals ESP proposals, most preferred first
 * @param lifetime rekey and hard lifetime
 * @param startAction what happens at engine start and after a DPD restart
 */
public record ChildConfig(
    String name,
    long policyRef,
    List<TsRange> localTs,
    List<TsRange> remoteTs,
    IpsecMode mode,
    List<EspProposal> proposals,
    RekeySchedule lifetime,
    StartAction startAction) {

  public ChildConfig {
    Objects.requireNonNull(name, "name");
    localTs = List.copyOf(localTs);
    remoteTs = List.copyOf(remoteTs);
    Objects.requireNonNull(mode, "mode");
    proposals = List.copyOf(proposals);
    Objects.requireNonNull(lifetime, "lifetime");
    Objects.requireNonNull(startAction, "startAction");
    if (proposals.isEmpty()) {
      throw new IllegalArgumentException("child " + name + " needs at least one ESP proposal");
    }
  }

  /** A builder with defaults: dynamic selectors, tunnel mode, AES-128-GCM, default lifetime. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Builder for {@link ChildConfig}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private long policyRef;
    private final List<TsRange> localTs = new ArrayList<>();
    private final List<TsRange> remoteTs = new ArrayList<>();
    private IpsecMode mode = IpsecMode.TUNNEL;
    private final List<EspProposal> proposals = new ArrayList<>();
    private RekeySchedule lifetime = RekeySchedule.CHILD_DEFAULT;
    private StartAction startAction = StartAction.NONE;

    private Builder(String name) {
      this.name = name;
    }

    public Builder policyRef(long ref) {
      this.policyRef = ref;
      return this;
    }

    /** Our side's templates (replaces earlier ones); none means dynamic. */
    public Builder localTs(TsRange... ts) {
      localTs.clear();
      localTs.addAll(List.of(ts));
      return this;
    }

    /** The peer side's templates (replaces earlier ones); none means dynamic. */
    public Builder remoteTs(TsRange... ts) {
      remoteTs.clear();
      remoteTs.addAll(List.of(ts));
      return this;
    }

    public Builder mode(IpsecMode m) {
      this.mode = m;
      return this;
    }

    /** ESP proposals, most preferred first (replaces earlier ones). */
    public Builder proposals(EspProposal... p) {
      proposals.clear();
      proposals.addAll(List.of(p));
      return this;
    }

    public Builder lifetime(RekeySchedule l) {
      this.lifetime = l;
      return this;
    }

    public Builder startAction(StartAction a) {
      this.startAction = a;
      return this;
    }

    public ChildConfig build() {
      List<EspProposal> p = proposals.isEmpty() ? List.of(EspProposal.AES128GCM) : proposals;
      return new ChildConfig(name, policyRef, localTs, remoteTs, mode, p, lifetime, startAction);
    }
  }
}
