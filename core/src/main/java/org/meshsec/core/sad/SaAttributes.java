package org.meshsec.core.sad;

import java.net.InetAddress;
import org.meshsec.core.spd.Selector;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SaLifetime;

/**
 * The attributes key management gives a {@link SecurityAssociation} (RFC 4301 section 4.4.2): its
 * addresses, ports, mode, selector, suite and lifetimes. Immutable; an SA replaces them as a whole
 * (once, when {@link KeyEngine#update} promotes a LARVAL SA). No key material.
 */
record SaAttributes(
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
    SaLifetime hard) {

  static SaAttributes of(SaSpec s) {
    return new SaAttributes(
        s.local(),
        s.localPort(),
        s.peer(),
        s.peerPort(),
        s.mode(),
        s.selector(),
        s.policyId(),
        s.suite(),
        s.esn(),
        s.replayWindow(),
        s.soft(),
        s.hard());
  }

  static SaAttributes larval(InetAddress local, InetAddress peer) {
    return new SaAttributes(
        local, 0, peer, 0, null, null, -1, null, false, 0, SaLifetime.NONE, SaLifetime.NONE);
  }
}
