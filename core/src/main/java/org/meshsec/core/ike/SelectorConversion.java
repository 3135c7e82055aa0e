package org.meshsec.core.ike;

import java.util.Objects;
import org.meshsec.core.spd.Selector;

/**
 * The outcome of turning a negotiated pair of traffic selector lists (RFC 7296 section 3.13) into
 * one SAD selector: {@link Converted} with the selector, or {@link Refused} with the reason the SAD
 * cannot represent the pair exactly. See {@link TrafficSelectors#selectorOf}.
 */
public sealed interface SelectorConversion
    permits SelectorConversion.Converted, SelectorConversion.Refused {

  /** The pair is exactly this selector (OUT direction: {@code src} is our side). */
  record Converted(Selector selector) implements SelectorConversion {
    public Converted {
      Objects.requireNonNull(selector, "selector");
    }
  }

  /** The pair has no exact SAD selector; {@code reason} says why, for the log and the peer. */
  record Refused(String reason) implements SelectorConversion {
    public Refused {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
