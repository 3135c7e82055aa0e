package org.meshsec.ike.pki;

import java.io.IOException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * A PKCS#10 certification request (RFC 2986), with the subjectAltNames it asks for in an
 * extensionRequest attribute (PKCS#9). Immutable and thread-safe.
 */
public final class CertificateRequest {

  private final PKCS10CertificationRequest request;

  CertificateRequest(PKCS10CertificationRequest request) {
    this.request = request;
  }

  /** Parses the DER encoding. */
  public static CertificateRequest fromDer(byte[] der) throws PkiException {
    try {
      return new CertificateRequest(new PKCS10CertificationRequest(der));
    } catch (IOException | RuntimeException e) {
      throw new PkiException("not a PKCS#10 request", e);
    }
  }

  PKCS10CertificationRequest bc() {
    return request;
  }

  /** The requested subject name. */
  public X500Principal subject() {
    try {
      return new X500Principal(request.getSubject().getEncoded());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public key to be certified. */
  public PublicKey publicKey() throws PkiException {
    try {
      // JcaPEMKeyConverter maps the key OID to a JCA name the JDK providers know.
      return new JcaPEMKeyConverter().getPublicKey(request.getSubjectPublicKeyInfo());
    } catch (PEMException | RuntimeException e) {
      throw new PkiException("request carries an unusable public key", e);
    }
  }

  /** The subjectAltNames requested in the extensionRequest attribute (DNS, IP and e-mail only). */
  public List<SubjectAltName> subjectAltNames() {
    List<SubjectAltName> out = new ArrayList<>();
    for (Attribute a : request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
      for (var v : a.getAttributeValues()) {
        Extensions exts = Extensions.getInstance(v);
        GeneralNames names = GeneralNames.fromExtensions(exts, Extension.subjectAlternativeName);
        if (names != null) {
          out.addAll(Certificates.toSubjectAltNames(names));
        }
      }
    }
    return out;
  }

  /** Whether the request is signed by the private key of the public key it carries. */
  public boolean isSignatureValid() {
    try {
      return request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(publicKey()));
    } catch (OperatorCreationException | PKCSException | PkiException | RuntimeException e) {
      return false;
    }
  }

  /** The DER encoding. */
  public byte[] encoded() {
    try {
      return request.getEncoded();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "CertificateRequest[" + subject().getName() + "]";
  }
}
