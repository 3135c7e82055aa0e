/**
 * The IKEv2 message codec (RFC 7296 section 3, with RFC 5282 for AEAD, RFC 7383 for fragmentation
 * and RFC 7427 for digital signature AUTH payloads).
 *
 * <p>Flow for a received datagram:
 *
 * <pre>
 *  IkeHeader.decode(bytes)              SPIs, exchange, Message ID: find the IKE SA, check the window
 *  Message.decode(bytes, cipher)        structure + ICV + decryption  -> DecodeResult Ok / Err
 *    or FragmentReassembler.offer(...)  for SKF datagrams             -> Incomplete / Complete / Dropped
 *  ExchangeRules.validate(message)      which payloads the exchange may carry
 *  IkeParseError.reply()                the notification to answer with, if any
 * </pre>
 *
 * and for a message to send: {@code Message.of(IkeHeader.of(...), payloads...)}, then {@link
 * org.meshsec.ike.message.Message#encode()} (IKE_SA_INIT) or {@link
 * org.meshsec.ike.message.IkeFragmenter#encode} (protected exchanges, fragmenting when needed).
 *
 * <p>One record per payload type, decode and encode side by side, validation at decode time;
 * unknown payloads are kept with their critical bit; IANA registries are value types whose lookup
 * never fails. Decoding never throws on bad input.
 */
package org.meshsec.ike.message;
