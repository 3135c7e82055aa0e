package org.meshsec.ike.v1.task;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.meshsec.ike.port.IpsecPort;
import org.meshsec.ike.task.TaskStatus;
import org.meshsec.ike.v1.message.ExchangeRules;
import org.meshsec.ike.v1.message.ExchangeType;
import org.meshsec.ike.v1.message.NotifyType;
import org.meshsec.ike.v1.message.ParseError;
import org.meshsec.ike.v1.message.Payload;
import org.meshsec.ike.v1.task.MainModeExchange.Outcome;

/**
 * Runs one {@link QuickMode} task over datagrams on an established ISAKMP SA: the framing of {@link
 * Phase2Messages} (Message ID, encryption, IV chain per Message ID), the payload rules of {@link
 * ExchangeRules}, and the release of the reserved SPI when the exchange fails. No retransmission
 * and no duplicate detection: those belong to the IKEv1 task manager.
 *
 * <pre>
 *  initiator: start() -> (1);  receive((2)) -> (3), Reply done
 *  responder: receive((1)) -> (2);  receive((3)) -> Done
 * </pre>
 *
 * <p>Not thread-safe; runs on its ISAKMP SA's executor.
 */
public final class QuickModeExchange {
  private final Phase1State sa;
  private final boolean initiator;
  private final List<QuickModeConfig> configs;
  private final IpsecPort ipsec;
  private final InetSocketAddress local;
  private final InetSocketAddress remote;
  private QuickMode task;
  private int messages;
  private boolean finished;

  private QuickModeExchange(
      Phase1State sa,
      boolean initiator,
      List<QuickModeConfig> configs,
      IpsecPort ipsec,
      InetSocketAddress local,
      InetSocketAddress remote) {
    this.sa = sa;
    this.initiator = initiator;
    this.configs = List.copyOf(configs);
    this.ipsec = ipsec;
    this.local = local;
    this.remote = remote;
  }

  /** The initiator side, with a fresh Message ID; call {@link #start()}. */
  public static QuickModeExchange initiator(
      Phase1State sa,
      QuickModeConfig config,
      IpsecPort ipsec,
      InetSocketAddress local,
      InetSocketAddress remote) {
    QuickModeExchange x = new QuickModeExchange(sa, true, List.of(config), ipsec, local, remote);
    x.task = new QuickMode(true, config, ipsec, local, remote, Phase2Messages.newMessageId(sa));
    return x;
  }

  /** The responder side; feed it the initiator's first message, whose Message ID it takes. */
  public static QuickModeExchange responder(
      Phase1State sa,
      QuickModeConfig config,
      IpsecPort ipsec,
      InetSocketAddress local,
      InetSocketAddress remote) {
    return responder(sa, List.of(config), ipsec, local, remote);
  }

  /**
   * The responder side for a peer with several children: the initiator's IDs choose which of {@code
   * configs} answers ({@link QuickMode#responder}).
   */
  public static QuickModeExchange responder(
      Phase1State sa,
      List<QuickModeConfig> configs,
      IpsecPort ipsec,
      InetSocketAddress local,
      InetSocketAddress remote) {
    return new QuickModeExchange(sa, false, configs, ipsec, local, remote);
  }

  /** The task, null on a responder before the first message. */
  public QuickMode task() {
    return task;
  }

  /** Whether the exchange completed or failed. */
  public boolean finished() {
    return finished;
  }

  /** Builds message (1). */
  public byte[] start() throws V1Exception {
    if (!initiator || messages != 0) {
      throw new IllegalStateException("only an initiator starts, once");
    }
    try {
      return build();
    } catch (V1Exception | RuntimeException e) {
      fail();
      throw e;
    }
  }

  /** Processes a received datagram (without the non-ESP marker). */
  public Outcome receive(byte[] datagram) {
    if (finished) {
      return new Outcome.Failed("exchange already finished", Optional.empty());
    }
    Phase2Messages.Opened opened;
    try {
      opened = Phase2Messages.open(sa, datagram);
    } catch (V1Exception e) {
      // Not ours or garbage: the exchange goes on (a forged message must not end it).
      return new Outcome.Failed(e.getMessage(), e.notifyType());
    }
    var h = opened.message().header();
    if (!h.exchangeType().equals(ExchangeType.QUICK_MODE)) {
      return new Outcome.Failed(
          "not a Quick Mode message: " + h.exchangeType(),
          Optional.of(NotifyType.INVALID_EXCHANGE_TYPE));
    }
    if (task == null) {
      task = QuickMode.responder(configs, ipsec, local, remote, h.messageId());
    } else if (h.messageId() != task.messageId()) {
      return new Outcome.Failed(
          "Message ID of another exchange", Optional.of(NotifyType.INVALID_MESSAGE_ID));
    }
    int index = messages + 1;
    Optional<ParseError> violation = ExchangeRules.check(opened.message(), index);
    if (violation.isPresent()) {
      fail();
      return new Outcome.Failed(violation.get().toString(), violation.get().reply());
    }
    TaskStatus status;
    try {
      status = task.process(sa, opened.message());
    } catch (V1Exception e) {
      fail();
      return new Outcome.Failed(e.getMessage(), e.notifyType());
    }
    messages++;
    opened.commit(sa);
    if (status == TaskStatus.DONE) {
      finish();
      return new Outcome.Done();
    }
    try {
      return new Outcome.Reply(build(), finished);
    } catch (V1Exception e) {
      fail();
      return new Outcome.Failed(e.getMessage(), e.notifyType());
    }
  }

  private byte[] build() throws V1Exception {
    List<Payload> out = new ArrayList<>();
    TaskStatus status = task.build(sa, out);
    messages++;
    byte[] datagram = Phase2Messages.seal(sa, ExchangeType.QUICK_MODE, task.messageId(), out);
    if (status == TaskStatus.DONE) {
      finish();
    }
    return datagram;
  }

  private void finish() {
    finished = true;
    sa.ivs().forget(task.messageId());
  }

  private void fail() {
    finished = true;
    if (task != null) {
      task.abort();
      sa.ivs().forget(task.messageId());
    }
  }

  @Override
  public String toString() {
    return "QuickModeExchange[" + task + ", " + messages + " messages]";
  }
}
