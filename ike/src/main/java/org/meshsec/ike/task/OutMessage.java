package org.meshsec.ike.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.meshsec.ike.message.ExchangeType;
import org.meshsec.ike.message.Payload;

/**
 * A message being built by the tasks of one exchange: the exchange type and the payloads in order.
 * The task manager adds the header and, except for IKE_SA_INIT, puts the payloads into an SK
 * payload. Not thread-safe.
 */
public final class OutMessage {
  private final ExchangeType exchange;
  private final List<Payload> payloads = new ArrayList<>();

  public OutMessage(ExchangeType exchange) {
    this.exchange = Objects.requireNonNull(exchange, "exchange");
  }

  public ExchangeType exchange() {
    return exchange;
  }

  /** Appends a payload. */
  public void add(Payload p) {
    payloads.add(Objects.requireNonNull(p, "payload"));
  }

  /** Puts a payload first (a COOKIE notify must be first, RFC 7296 section 2.6). */
  public void addFirst(Payload p) {
    payloads.add(0, Objects.requireNonNull(p, "payload"));
  }

  public List<Payload> payloads() {
    return List.copyOf(payloads);
  }

  public boolean isEmpty() {
    return payloads.isEmpty();
  }
}
