package org.meshsec.ike.pki;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Builds X.509 v3 certificates (RFC 5280) and PKCS#10 requests for IKE. Stateless and thread-safe;
 * time and randomness are parameters.
 *
 * <p>Profile: CA certificates carry basicConstraints cA=TRUE and keyUsage keyCertSign|cRLSign (both
 * critical); end-entity certificates carry basicConstraints cA=FALSE and keyUsage digitalSignature
 * (both critical); all carry a subjectKeyIdentifier, and issued ones an authorityKeyIdentifier.
 * subjectAltNames are written as given (RFC 4945 section 3.1 on which ID types they match). No
 * extendedKeyUsage is written: RFC 4945 section 5.1.3.12 discusses it for IKE, and strongSwan does.
 */
public final class Certificates {
  private Certificates() {}

  /**
   * A self-signed certificate for {@code keyPair}: a CA root when {@code ca}, otherwise an
   * end-entity certificate to be pinned by peers.
   */
  public static X509Certificate selfSigned(
      KeyPair keyPair,
      X500Principal subject,
      Instant notBefore,
      Instant notAfter,
      List<SubjectAltName> altNames,
      boolean ca,
      SecureRandom random)
      throws PkiException {
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            subject,
            Keys.serial(random),
            Date.from(notBefore),
            Date.from(notAfter),
            subject,
            keyPair.getPublic());
    try {
      JcaX509ExtensionUtils u = new JcaX509ExtensionUtils();
      addProfile(b, ca, altNames);
      b.addExtension(
          Extension.subjectKeyIdentifier, false, u.createSubjectKeyIdentifier(keyPair.getPublic()));
      b.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          u.createAuthorityKeyIdentifier(keyPair.getPublic()));
    } catch (CertIOException | GeneralSecurityException e) {
      throw new PkiException("cannot build certificate extensions", e);
    }
    return sign(b, keyPair.getPrivate(), random);
  }

  /** A PKCS#10 request for {@code keyPair}, asking for the given subjectAltNames. */
  public static CertificateRequest request(
      KeyPair keyPair, X500Principal subject, List<SubjectAltName> altNames, SecureRandom random)
      throws PkiException {
    PKCS10CertificationRequestBuilder b =
        new JcaPKCS10CertificationRequestBuilder(subject, keyPair.getPublic());
    if (!altNames.isEmpty()) {
      try {
        ExtensionsGenerator g = new ExtensionsGenerator();
        g.addExtension(Extension.subjectAlternativeName, false, generalNames(altNames));
        b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, g.generate());
      } catch (java.io.IOException e) {
        throw new PkiException("cannot encode subjectAltNames", e);
      }
    }
    try {
      ContentSigner signer = signer(keyPair.getPrivate(), random);
      return new CertificateRequest(b.build(signer));
    } catch (OperatorCreationException e) {
      throw new PkiException("cannot sign the request", e);
    }
  }

  /**
   * A certificate for the key and subject of {@code request}, issued by the CA: an end-entity
   * certificate, or an intermediate CA when {@code ca}. The request's signature must be valid and
   * the CA key must belong to the CA certificate, which must be a CA.
   *
   * @param altNames the subjectAltNames to write; when empty, those the request asks for
   */
  public static X509Certificate issue(
      CertificateRequest request,
      X509Certificate caCert,
      PrivateKey caKey,
      Instant notBefore,
      Instant notAfter,
      List<SubjectAltName> altNames,
      boolean ca,
      SecureRandom random)
      throws PkiException {
    if (!request.isSignatureValid()) {
      throw new PkiException("the request's signature does not verify");
    }
    if (caCert.getBasicConstraints() < 0) {
      throw new PkiException(
          "the issuer certificate is not a CA: " + caCert.getSubjectX500Principal());
    }
    if (!Keys.matches(caKey, caCert.getPublicKey())) {
      throw new PkiException("the CA key does not belong to the CA certificate");
    }
    PublicKey pub = request.publicKey();
    List<SubjectAltName> names = altNames.isEmpty() ? request.subjectAltNames() : altNames;
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            caCert,
            Keys.serial(random),
            Date.from(notBefore),
            Date.from(notAfter),
            request.subject(),
            pub);
    try {
      JcaX509ExtensionUtils u = new JcaX509ExtensionUtils();
      addProfile(b, ca, names);
      b.addExtension(Extension.subjectKeyIdentifier, false, u.createSubjectKeyIdentifier(pub));
      b.addExtension(
          Extension.authorityKeyIdentifier, false, u.createAuthorityKeyIdentifier(caCert));
    } catch (CertIOException | GeneralSecurityException e) {
      throw new PkiException("cannot build certificate extensions", e);
    }
    return sign(b, caKey, random);
  }

  /** The DNS, IP and e-mail subjectAltNames of a certificate; other kinds are skipped. */
  public static List<SubjectAltName> subjectAltNames(X509Certificate cert) {
    List<SubjectAltName> out = new ArrayList<>();
    Collection<List<?>> all;
    try {
      all = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return out;
    }
    if (all == null) {
      return out;
    }
    for (List<?> entry : all) {
      int type = (Integer) entry.get(0);
      Object v = entry.get(1);
      if (!(v instanceof String s)) {
        continue;
      }
      try {
        switch (type) {
          case GeneralName.dNSName -> out.add(SubjectAltName.dns(s));
          case GeneralName.rfc822Name -> out.add(SubjectAltName.email(s));
          case GeneralName.iPAddress -> out.add(SubjectAltName.ip(s));
          default -> {}
        }
      } catch (IllegalArgumentException e) {
        // An entry we cannot represent (e.g. an e-mail without '@') matches nothing.
      }
    }
    return out;
  }

  static List<SubjectAltName> toSubjectAltNames(GeneralNames names) {
    List<SubjectAltName> out = new ArrayList<>();
    for (GeneralName n : names.getNames()) {
      try {
        switch (n.getTagNo()) {
          case GeneralName.dNSName ->
              out.add(SubjectAltName.dns(((ASN1String) n.getName()).getString()));
          case GeneralName.rfc822Name ->
              out.add(SubjectAltName.email(((ASN1String) n.getName()).getString()));
          case GeneralName.iPAddress -> {
            byte[] addr = ASN1OctetString.getInstance(n.getName()).getOctets();
            out.add(SubjectAltName.ip(InetAddress.getByAddress(addr).getHostAddress()));
          }
          default -> {}
        }
      } catch (IllegalArgumentException | UnknownHostException e) {
        // skip entries we cannot represent
      }
    }
    return out;
  }

  private static GeneralNames generalNames(List<SubjectAltName> altNames) {
    return new GeneralNames(
        altNames.stream().map(SubjectAltName::toGeneralName).toArray(GeneralName[]::new));
  }

  private static void addProfile(X509v3CertificateBuilder b, boolean ca, List<SubjectAltName> sans)
      throws CertIOException {
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    b.addExtension(
        Extension.keyUsage,
        true,
        new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
    if (!sans.isEmpty()) {
      b.addExtension(Extension.subjectAlternativeName, false, generalNames(sans));
    }
  }

  private static ContentSigner signer(PrivateKey key, SecureRandom random)
      throws OperatorCreationException, PkiException {
    return new JcaContentSignerBuilder(Keys.signatureAlgorithm(key))
        .setSecureRandom(random)
        .build(key);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key, SecureRandom r)
      throws PkiException {
    try {
      return new JcaX509CertificateConverter().getCertificate(b.build(signer(key, r)));
    } catch (OperatorCreationException | CertificateException e) {
      throw new PkiException("cannot sign the certificate", e);
    }
  }

  /** Serial number as printed by {@code openssl x509 -serial}: upper-case hex. */
  static String serialHex(BigInteger serial) {
    return serial.toString(16).toUpperCase(java.util.Locale.ROOT);
  }
}
