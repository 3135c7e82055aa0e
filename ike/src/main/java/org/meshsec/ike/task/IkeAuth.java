package org.meshsec.ike.task;

import java.util.List;
import java.util.Optional;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.message.AuthPayload;
import org.meshsec.ike.message.CertPayload;
import org.meshsec.ike.message.CertReqPayload;
import org.meshsec.ike.message.ExchangeType;
import org.meshsec.ike.message.IdPayload;
import org.meshsec.ike.message.Message;
import org.meshsec.ike.message.NotifyPayload;
import org.meshsec.ike.message.NotifyType;
import org.meshsec.ike.pki.PeerIdentity;
import org.meshsec.ike.sa.IkeSa;

/**
 * Authentication in IKE_AUTH (RFC 7296 sections 1.2, 2.15, 2.4 for INITIAL_CONTACT; RFC 4945 for
 * certificates). The first Child SA travels in the same exchange but is {@link ChildCreate}'s job.
 *
 * <pre>
 *  HDR, SK {IDi, [CERT+], [CERTREQ], [IDr], AUTH, [N(INITIAL_CONTACT)], (SAi2, TSi, TSr)}  -->
 *                                       <--  HDR, SK {IDr, [CERT+], AUTH, (SAr2, TSi, TSr)}
 *                                       <--  HDR, SK {N(AUTHENTICATION_FAILED)}
 * </pre>
 *
 * The responder chooses among the peer configurations that matched the initiator's address the
 * first whose remote identity the IDi matches and whose authentication verifies. The SA becomes
 * ESTABLISHED when the initiator has verified the response, and when the responder has built it.
 * INITIAL_CONTACT is sent when the engine holds no other IKE SA with this peer; received, it makes
 * the engine drop the older IKE SAs with that peer (section 2.4: the peer rebooted).
 */
public final class IkeAuth implements Task {
  private final boolean initiator;
  private boolean initialContact;

  /**
   * @param initiator the variant
   */
  public IkeAuth(boolean initiator) {
    this.initiator = initiator;
  }

  @Override
  public TaskType type() {
    return TaskType.IKE_AUTH;
  }

  @Override
  public boolean initiator() {
    return initiator;
  }

  @Override
  public ExchangeType exchange() {
    return ExchangeType.IKE_AUTH;
  }

  @Override
  public TaskStatus build(IkeSa sa, OutMessage out) {
    PeerConfig c = sa.config();
    IdPayload id = Identities.payload(initiator, c.localId());
    out.add(id);
    for (CertPayload cert : Authenticator.certificates(c)) {
      out.add(cert);
    }
    if (initiator) {
      CertReqPayload req = Authenticator.certRequest(c);
      if (req != null) {
        out.add(req);
      }
      if (c.remoteId() != null) {
        out.add(Identities.payload(false, c.remoteId()));
      }
    }
    out.add(Authenticator.sign(sa, initiator, id));
    if (initiator) {
      if (sa.manager().isFirstContact(sa)) {
        out.add(NotifyPayload.of(NotifyType.INITIAL_CONTACT));
      }
      return TaskStatus.NEED_MORE;
    }
    sa.establish();
    if (initialContact) {
      sa.manager().initialContact(sa);
    }
    return TaskStatus.DONE;
  }

  @Override
  public TaskStatus process(IkeSa sa, Message in) throws IkeException {
    Optional<AuthPayload> auth = in.first(AuthPayload.class);
    if (auth.isEmpty()) {
      IkeInit.refuseOnError(in);
      throw Authenticator.failed("no AUTH payload (EAP is not supported)");
    }
    List<CertPayload> certs = in.all(CertPayload.class);
    if (initiator) {
      IdPayload idr = IkeInit.require(in, IdPayload.class);
      if (idr.initiator()) {
        throw IkeException.silent("IDi in an IKE_AUTH response");
      }
      PeerIdentity peer = Authenticator.verify(sa, sa.config(), false, idr, auth.get(), certs);
      sa.authenticated(sa.config(), peer);
      sa.establish();
      return TaskStatus.DONE;
    }
    IdPayload idi =
        in.all(IdPayload.class).stream()
            .filter(IdPayload::initiator)
            .findFirst()
            .orElseThrow(() -> Authenticator.failed("no IDi"));
    IkeException last = Authenticator.failed("no configuration for this peer");
    for (PeerConfig candidate : sa.candidates()) {
      try {
        PeerIdentity peer = Authenticator.verify(sa, candidate, true, idi, auth.get(), certs);
        sa.authenticated(candidate, peer);
        initialContact = in.notify(NotifyType.INITIAL_CONTACT).isPresent();
        return TaskStatus.NEED_MORE;
      } catch (IkeException e) {
        last = e;
      }
    }
    throw last;
  }
}
