package org.meshsec.ike.crypto;

import java.security.Key;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.util.HexFormat;

/**
 * The signature algorithms meshsec signs and verifies with the DIGITAL_SIGNATURE authentication
 * method (RFC 7427), each with the AlgorithmIdentifier that precedes the signature value in the
 * AUTH payload. The DER blobs are those of RFC 7427 Appendix A (A.1 for PKCS#1 v1.5, A.3 for ECDSA,
 * A.4.3 for RSASSA-PSS with SHA-256, which writes out the default trailerField as that appendix
 * does; RFC 8420 section 2 for Ed25519, whose AlgorithmIdentifier has no parameters and whose hash
 * is the Identity one because EdDSA hashes the message itself). Closed set: an enum.
 */
public enum SignatureScheme {
  /** sha256WithRSAEncryption: RSASSA-PKCS1-v1_5 with SHA-256. */
  RSA_PKCS1_SHA256(
      "300d06092a864886f70d01010b0500", "SHA256withRSA", "RSA", SignatureHashAlgorithm.SHA2_256),
  /** sha384WithRSAEncryption: RSASSA-PKCS1-v1_5 with SHA-384. */
  RSA_PKCS1_SHA384(
      "300d06092a864886f70d01010c0500", "SHA384withRSA", "RSA", SignatureHashAlgorithm.SHA2_384),
  /** sha512WithRSAEncryption: RSASSA-PKCS1-v1_5 with SHA-512. */
  RSA_PKCS1_SHA512(
      "300d06092a864886f70d01010d0500", "SHA512withRSA", "RSA", SignatureHashAlgorithm.SHA2_512),
  /** id-RSASSA-PSS with SHA-256, MGF1 with SHA-256, 32-byte salt, trailer 1 (RFC 4055). */
  RSA_PSS_SHA256(
      "3046"
          + "06092a864886f70d01010a"
          + "3039"
          + "a00f300d06096086480165030402010500"
          + "a11c301a06092a864886f70d010108300d06096086480165030402010500"
          + "a203020120"
          + "a303020101",
      "RSASSA-PSS",
      "RSA",
      SignatureHashAlgorithm.SHA2_256),
  /** ecdsa-with-SHA256; the signature value is a DER Ecdsa-Sig-Value (RFC 7427 section 3). */
  ECDSA_SHA256(
      "300a06082a8648ce3d040302", "SHA256withECDSA", "EC", SignatureHashAlgorithm.SHA2_256),
  /** ecdsa-with-SHA384. */
  ECDSA_SHA384(
      "300a06082a8648ce3d040303", "SHA384withECDSA", "EC", SignatureHashAlgorithm.SHA2_384),
  /** ecdsa-with-SHA512. */
  ECDSA_SHA512(
      "300a06082a8648ce3d040304", "SHA512withECDSA", "EC", SignatureHashAlgorithm.SHA2_512),
  /**
   * id-Ed25519 (RFC 8410 section 3, OID 1.3.101.112, parameters absent): PureEdDSA over the signed
   * octets as they are (RFC 8420 section 2), 64-byte signature (RFC 8032 section 5.1.6).
   */
  ED25519("300506032b6570", "Ed25519", "Ed25519", SignatureHashAlgorithm.IDENTITY);

  private final byte[] algorithmIdentifier;
  private final String jcaName;
  private final String keyAlgorithm;
  private final SignatureHashAlgorithm hash;

  SignatureScheme(String derHex, String jcaName, String keyAlgorithm, SignatureHashAlgorithm hash) {
    this.algorithmIdentifier = HexFormat.of().parseHex(derHex);
    this.jcaName = jcaName;
    this.keyAlgorithm = keyAlgorithm;
    this.hash = hash;
  }

  /** The DER AlgorithmIdentifier sent in the AUTH payload. A fresh copy. */
  public byte[] algorithmIdentifier() {
    return algorithmIdentifier.clone();
  }

  /** JCA {@code Signature} algorithm name (PSS also needs {@code PSSParameterSpec}). */
  public String jcaName() {
    return jcaName;
  }

  /** The key family this scheme needs, as {@link #keyAlgorithmOf} names it. */
  public String keyAlgorithm() {
    return keyAlgorithm;
  }

  /** The hash, as announced in SIGNATURE_HASH_ALGORITHMS. */
  public SignatureHashAlgorithm hash() {
    return hash;
  }

  /**
   * A key's family as the schemes name it: {@code RSA}, {@code EC}, {@code Ed25519} (whichever
   * provider made the key: the JDK calls its Edwards keys {@code EdDSA} and keeps the curve in the
   * parameters, Bouncy Castle calls them {@code Ed25519}), else the key's own algorithm name.
   */
  public static String keyAlgorithmOf(Key key) {
    if (key instanceof RSAKey) {
      return "RSA";
    }
    if (key instanceof ECKey) {
      return "EC";
    }
    if (key instanceof EdECKey ed) {
      return ed.getParams().getName();
    }
    return key.getAlgorithm();
  }
}
