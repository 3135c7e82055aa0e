package org.meshsec.core.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.meshsec.ike.pki.KeyType;
import org.meshsec.ike.pki.Pki;
import org.meshsec.ike.pki.PkiException;
import org.meshsec.ike.pki.SubjectAltName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code meshsec pki ...}: keys and certificates for IKE authentication, like illumos' {@code
 * ikecert} or strongSwan's {@code pki}: {@code genkey}, {@code selfsign}, {@code req}, {@code
 * sign}, {@code print}. PEM in, PEM out; private keys are written with mode 0600 and never printed.
 */
@Command(
    name = "pki",
    description = "Generate keys, certificates and requests for IKE authentication.",
    subcommands = {
      PkiCommand.GenKey.class,
      PkiCommand.SelfSign.class,
      PkiCommand.Req.class,
      PkiCommand.Sign.class,
      PkiCommand.Print.class
    })
public final class PkiCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.USAGE.code();
  }

  /** Where a subcommand writes: {@code --out FILE} (stdout without it) and {@code --force}. */
  static final class Output {
    static final Output STDOUT = new Output();

    @Option(
        names = "--out",
        paramLabel = "FILE",
        description =
            "Write here instead of stdout (a private key with mode 0600). An existing file is"
                + " kept unless --force.")
    Path out;

    @Option(names = "--force", description = "Replace FILE if it exists.")
    boolean force;
  }

  /**
   * Writes {@code text} to {@code --out} (mode 0600 when secret) or stdout. An existing file is
   * never replaced without {@code --force}: a key overwritten by mistake is gone, and with it every
   * certificate issued for it.
   */
  static int emit(CommandSpec spec, Output output, String text, boolean secret) {
    PrintWriter w = spec.commandLine().getOut();
    Path out = output.out;
    if (out == null) {
      w.print(text);
      w.flush();
      return ExitCode.OK.code();
    }
    if (!output.force && Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
      return fail(spec, out + " exists; refusing to overwrite it (use --force to replace it)");
    }
    try {
      if (secret) {
        Files.deleteIfExists(out);
        Files.createFile(
            out,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.writeString(
          out,
          text,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING);
      return ExitCode.OK.code();
    } catch (IOException e) {
      return fail(spec, "cannot write " + out + ": " + e.getMessage());
    }
  }

  static String read(Path p) throws PkiException {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PkiException("cannot read " + p + ": " + e.getMessage());
    }
  }

  static int fail(CommandSpec spec, String message) {
    spec.commandLine().getErr().println("meshsec pki: " + message);
    spec.commandLine().getErr().flush();
    return ExitCode.FAILURE.code();
  }

  static List<SubjectAltName> sans(List<String> texts) throws PkiException {
    List<SubjectAltName> out = new ArrayList<>();
    for (String t : texts) {
      try {
        out.add(SubjectAltName.parse(t));
      } catch (IllegalArgumentException e) {
        throw new PkiException(
            "bad --san '" + t + "': " + e.getMessage() + " (use dns:, ip: or email:)");
      }
    }
    return out;
  }

  static Duration days(int d) {
    return Duration.ofDays(d);
  }

  /** {@code pki genkey [--type ecdsa-p256|ecdsa-p384|ed25519|rsa2048|rsa3072] [--out FILE]}. */
  @Command(name = "genkey", description = "Generate a private key (PEM, PKCS#8).")
  public static final class GenKey implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--type",
        defaultValue = "ecdsa-p256",
        description =
            "ecdsa-p256 (default), ecdsa-p384, ed25519 (RFC 8420; strongSwan 5.2 and later),"
                + " rsa2048, rsa3072.")
    String type;

    @Mixin Output output;

    @Override
    public Integer call() {
      KeyType t = KeyType.parse(type);
      if (t == null) {
        return fail(spec, "unknown key type '" + type + "'");
      }
      return emit(spec, output, Pki.system().genkey(t), true);
    }
  }

  /** {@code pki selfsign --key FILE --dn DN [--san ...] [--days N] [--ca]}. */
  @Command(name = "selfsign", description = "Self-signed certificate (a CA root with --ca).")
  public static final class SelfSign implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--key",
        required = true,
        paramLabel = "FILE",
        description = "The private key to sign with (PEM).")
    Path key;

    @Option(names = "--dn", required = true, description = "Subject, e.g. \"CN=ca, O=example\".")
    String dn;

    @Option(names = "--san", description = "dns:NAME, ip:ADDR or email:ADDR; repeatable.")
    List<String> san = new ArrayList<>();

    @Option(
        names = "--days",
        defaultValue = "3650",
        description = "Validity in days (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--ca", description = "Make a CA certificate.")
    boolean ca;

    @Mixin Output output;

    @Override
    public Integer call() {
      try {
        return emit(
            spec, output, Pki.system().selfsign(read(key), dn, days(days), sans(san), ca), false);
      } catch (PkiException e) {
        return fail(spec, e.getMessage());
      }
    }
  }

  /** {@code pki req --key FILE --dn DN [--san ...]}: a PKCS#10 request. */
  @Command(name = "req", description = "PKCS#10 certificate request for a key.")
  public static final class Req implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--key",
        required = true,
        paramLabel = "FILE",
        description = "The private key the request is for (PEM).")
    Path key;

    @Option(names = "--dn", required = true, description = "Subject, e.g. \"CN=node1, O=example\".")
    String dn;

    @Option(names = "--san", description = "dns:NAME, ip:ADDR or email:ADDR; repeatable.")
    List<String> san = new ArrayList<>();

    @Mixin Output output;

    @Override
    public Integer call() {
      try {
        return emit(spec, output, Pki.system().req(read(key), dn, sans(san)), false);
      } catch (PkiException e) {
        return fail(spec, e.getMessage());
      }
    }
  }

  /** {@code pki sign --req FILE --cacert FILE --cakey FILE [--days N] [--san ...] [--ca]}. */
  @Command(name = "sign", description = "Issue a certificate for a request with a CA key.")
  public static final class Sign implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--req",
        required = true,
        paramLabel = "FILE",
        description = "The PKCS#10 request (PEM).")
    Path req;

    @Option(
        names = "--cacert",
        required = true,
        paramLabel = "FILE",
        description = "The issuing CA's certificate (PEM).")
    Path caCert;

    @Option(
        names = "--cakey",
        required = true,
        paramLabel = "FILE",
        description = "The issuing CA's private key (PEM).")
    Path caKey;

    @Option(
        names = "--days",
        defaultValue = "365",
        description = "Validity in days (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--san", description = "Override the request's subjectAltNames; repeatable.")
    List<String> san = new ArrayList<>();

    @Option(names = "--ca", description = "Issue an intermediate CA certificate.")
    boolean ca;

    @Mixin Output output;

    @Override
    public Integer call() {
      try {
        return emit(
            spec,
            output,
            Pki.system().sign(read(req), read(caCert), read(caKey), days(days), sans(san), ca),
            false);
      } catch (PkiException e) {
        return fail(spec, e.getMessage());
      }
    }
  }

  /**
   * {@code pki print FILE}: describe certificates, requests and keys (keys by fingerprint only).
   */
  @Command(name = "print", description = "Describe the PEM objects in a file.")
  public static final class Print implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A PEM file (key, certificate or request).")
    Path file;

    @Override
    public Integer call() {
      try {
        return emit(spec, Output.STDOUT, Pki.system().print(read(file)), false);
      } catch (PkiException e) {
        return fail(spec, e.getMessage());
      }
    }
  }
}
