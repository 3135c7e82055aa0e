package org.meshsec.ike.pki;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM (RFC 7468) reading and writing of keys, certificates and requests. Writes private keys as
 * unencrypted PKCS#8 ("PRIVATE KEY"); reads PKCS#8 and the OpenSSL "RSA PRIVATE KEY" / "EC PRIVATE
 * KEY" forms; refuses encrypted keys with a {@link PkiException}. Stateless and thread-safe. Error
 * messages never contain key material.
 */
public final class Pem {
  private Pem() {}

  /** One PEM block with 64-character lines. */
  public static String encode(String label, byte[] der) {
    String b64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----\n";
  }

  public static String write(X509Certificate cert) {
    try {
      return encode("CERTIFICATE", cert.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Unencrypted PKCS#8; the caller writes it to a file only it can read. */
  public static String write(PrivateKey key) {
    return encode("PRIVATE KEY", key.getEncoded());
  }

  public static String write(PublicKey key) {
    return encode("PUBLIC KEY", key.getEncoded());
  }

  public static String write(CertificateRequest request) {
    return encode("CERTIFICATE REQUEST", request.encoded());
  }

  /** Every object in a PEM text, converted to JCA/meshsec types. */
  public static List<Object> readAll(String pem) throws PkiException {
    List<Object> out = new ArrayList<>();
    JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
    JcaX509CertificateConverter certs = new JcaX509CertificateConverter();
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      Object o;
      while ((o = p.readObject()) != null) {
        if (o instanceof X509CertificateHolder h) {
          out.add(certs.getCertificate(h));
        } else if (o instanceof PKCS10CertificationRequest r) {
          out.add(new CertificateRequest(r));
        } else if (o instanceof PEMKeyPair kp) {
          out.add(keys.getPrivateKey(kp.getPrivateKeyInfo()));
        } else if (o instanceof PrivateKeyInfo pki) {
          out.add(keys.getPrivateKey(pki));
        } else if (o instanceof SubjectPublicKeyInfo spki) {
          out.add(keys.getPublicKey(spki));
        } else if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new PkiException("encrypted private keys are not supported");
        } else {
          throw new PkiException("unsupported PEM object " + o.getClass().getSimpleName());
        }
      }
    } catch (IOException | CertificateException | RuntimeException e) {
      throw new PkiException("unreadable PEM: " + e.getClass().getSimpleName(), e);
    }
    if (out.isEmpty()) {
      throw new PkiException("no PEM object found");
    }
    return out;
  }

  /** All certificates in a PEM text (a chain file may hold several); no other objects allowed. */
  public static List<X509Certificate> readCertificates(String pem) throws PkiException {
    List<X509Certificate> out = new ArrayList<>();
    for (Object o : readAll(pem)) {
      if (!(o instanceof X509Certificate c)) {
        throw new PkiException("expected certificates, found " + kind(o));
      }
      out.add(c);
    }
    return out;
  }

  /** The single certificate in a PEM text. */
  public static X509Certificate readCertificate(String pem) throws PkiException {
    return single(readCertificates(pem), "certificate");
  }

  /** The single private key in a PEM text (PKCS#8 or OpenSSL traditional form). */
  public static PrivateKey readPrivateKey(String pem) throws PkiException {
    return single(readAll(pem), PrivateKey.class, "private key");
  }

  /** The single public key in a PEM text. */
  public static PublicKey readPublicKey(String pem) throws PkiException {
    return single(readAll(pem), PublicKey.class, "public key");
  }

  /** The single PKCS#10 request in a PEM text. */
  public static CertificateRequest readRequest(String pem) throws PkiException {
    return single(readAll(pem), CertificateRequest.class, "certificate request");
  }

  private static <T> T single(List<Object> objs, Class<T> type, String what) throws PkiException {
    if (objs.size() != 1 || !type.isInstance(objs.get(0))) {
      throw new PkiException("expected one " + what + ", found " + describe(objs));
    }
    return type.cast(objs.get(0));
  }

  private static <T> T single(List<T> objs, String what) throws PkiException {
    if (objs.size() != 1) {
      throw new PkiException("expected one " + what + ", found " + objs.size());
    }
    return objs.get(0);
  }

  private static String describe(List<Object> objs) {
    List<String> kinds = new ArrayList<>();
    for (Object o : objs) {
      kinds.add(kind(o));
    }
    return String.join(", ", kinds);
  }

  static String kind(Object o) {
    if (o instanceof X509Certificate) {
      return "certificate";
    }
    if (o instanceof CertificateRequest) {
      return "certificate request";
    }
    if (o instanceof PrivateKey) {
      return "private key";
    }
    if (o instanceof PublicKey) {
      return "public key";
    }
    return o.getClass().getSimpleName();
  }
}
