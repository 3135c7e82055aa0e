package org.meshsec.ike.message;

/** Shared decoded forms of the captured messages. */
final class CapturedMessageTestSupport {
  private CapturedMessageTestSupport() {}

  static Message initMessage() {
    return Message.decode(CapturedMessages.ikeSaInit()).orElseThrow();
  }
}
