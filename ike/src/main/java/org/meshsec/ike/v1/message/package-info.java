/**
 * The IKEv1 message codec: ISAKMP (RFC 2408 section 3) with the IPsec DOI (RFC 2407 section 4), IKE
 * (RFC 2409), NAT traversal payloads (RFC 3947) and Dead Peer Detection notifications (RFC 3706).
 *
 * <p>Entry point {@link org.meshsec.ike.v1.message.Datagram#decode(byte[])}; encrypted bodies are
 * opened by {@link org.meshsec.ike.v1.message.EncryptedMessage#decrypt} with a {@link
 * org.meshsec.ike.v1.message.CbcCipher} and the IV from {@code org.meshsec.ike.v1.crypto.IvChain}.
 * One record per payload type, decode and encode side by side, validation at decode time; unknown
 * payloads are kept; registries (payload, exchange, notify, ID, attribute types and values) are
 * value types whose lookup never fails. Decoding never throws on bad input: it returns a {@link
 * org.meshsec.ike.v1.message.ParseError} carrying the notification to answer with. Byte strings are
 * {@link org.meshsec.ike.message.Bytes}, shared with the IKEv2 codec.
 */
package org.meshsec.ike.v1.message;
