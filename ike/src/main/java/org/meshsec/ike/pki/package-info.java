/**
 * Public-key infrastructure for IKEv2 certificate authentication (RFC 7296 section 3.6, RFC 4945):
 * key pairs, self-signed and CA-issued certificates, PKCS#10 requests, PEM files, certificate path
 * validation against configured CAs or pinned certificates, and the check that a certificate
 * carries the IKE identity its peer claims. {@link org.meshsec.ike.pki.Pki} is the facade the
 * {@code meshsec pki} command calls one-to-one.
 */
package org.meshsec.ike.pki;
