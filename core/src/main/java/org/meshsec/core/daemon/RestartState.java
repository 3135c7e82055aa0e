package org.meshsec.core.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.net.PortRange;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Selector;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SaLifetime;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.port.TsRange;
import org.meshsec.ike.sa.IkeSaSnapshot;
import org.meshsec.inet.InetText;

/**
 * The hot-restart state file: the ESP SAs and IKE SAs one process hands to the next so that traffic
 * keeps flowing, and the IKE SAs keep working, across a restart (see {@code docs/operations.md},
 * "Hot restart"). Written by {@code Daemon.close} after a stop for restart, read and deleted by the
 * next start.
 *
 * <p>On disk it is one JSON object: {@code {"sha256": "...", "body": "<the state as JSON text>"}};
 * the digest covers the body's bytes, so a truncated or altered file is refused as damaged. The
 * body names the version of the format, when it was written, the SHA-256 of the configuration file
 * it was written under and the SAs: addresses, ports, mode, selector, the policy by name and
 * direction, the suite by its config name, the key material in hex, ESN, replay window, the
 * lifetimes left and the sequence state (outbound: the last number sent plus a safety margin;
 * inbound: the highest received); since version 2 also the IKEv2 SAs ({@link IkeSa}).
 *
 * <p>The file holds keys: it is written with mode 0600 into a directory of its own (created 0700),
 * never followed through a symbolic link, and refused on reading if group or others may access it
 * or another user owns it (the checks of the secrets file). Stateless; thread-safe.
 */
public final class RestartState {
  /** The format written: 2 added the IKE SAs ({@link IkeSa}). */
  static final int VERSION = 2;

  /** The oldest format still read (its files carry ESP SAs only). */
  static final int OLDEST_VERSION = 1;

  /** A state file older than this is stale: the peers will have moved on. */
  static final long MAX_AGE_MILLIS = 120_000;

  /**
   * Added to every outbound sequence number written: packets sealed after the snapshot and before
   * the sockets closed must never have their numbers (and AEAD IVs) used again.
   */
  static final long SEQUENCE_MARGIN = 1L << 20;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();
  private static final Set<PosixFilePermission> FILE_MODE =
      PosixFilePermissions.fromString("rw-------");

  private RestartState() {}

  /** One ESP SA. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Sa(
      String direction,
      long spi,
      String local,
      int localPort,
      String peer,
      int peerPort,
      String mode,
      String selectorSrc,
      String selectorDst,
      int protocol,
      int srcPortFrom,
      int srcPortTo,
      int dstPortFrom,
      int dstPortTo,
      int icmpType,
      int icmpCode,
      String policyName,
      String policyDirection,
      String suite,
      String key,
      boolean esn,
      int replayWindow,
      long softSeconds,
      long softBytes,
      long softPackets,
      long hardSeconds,
      long hardBytes,
      long hardPackets,
      long sequence) {

    /** The selector, as the SAD keeps it. */
    Selector selector() {
      return new Selector(
          IpPrefix.parse(selectorSrc),
          IpPrefix.parse(selectorDst),
          protocol,
          new PortRange(srcPortFrom, srcPortTo),
          new PortRange(dstPortFrom, dstPortTo),
          icmpType,
          icmpCode);
    }

    Direction dir() {
      return Direction.valueOf(direction);
    }

    IpsecMode ipsecMode() {
      return IpsecMode.valueOf(mode);
    }

    SaLifetime soft() {
      return new SaLifetime(softSeconds, softBytes, softPackets);
    }

    SaLifetime hard() {
      return new SaLifetime(hardSeconds, hardBytes, hardPackets);
    }

    InetAddress localAddress() throws IOException {
      return InetAddress.getByName(local); // a literal: no name lookup
    }

    InetAddress peerAddress() throws IOException {
      return InetAddress.getByName(peer);
    }

    byte[] keyBytes() {
      return HEX.parseHex(key);
    }

    @Override
    public String toString() {
      return String.format("%s SA 0x%08x with %s", direction, spi, peer); // never the key
    }
  }

  /**
   * One IKEv2 SA ({@link IkeSaSnapshot}, RFC 7296 section 1.2): SPIs in hex, the proposal in its
   * config form, the seven keys of section 2.14 in prf+ order in hex, the nonces, both Message IDs
   * (section 2.2), the peer's identity as its ID payload type and data (section 3.5), both
   * endpoints, the NAT results (section 2.23), the deadlines left in milliseconds (-1: none) and
   * its Child SAs.
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record IkeSa(
      String peer,
      boolean originalInitiator,
      String spiI,
      String spiR,
      String proposal,
      String keymat,
      String nonceI,
      String nonceR,
      long nextRequestId,
      long nextResponseId,
      int peerIdType,
      String peerIdData,
      String local,
      int localPort,
      String remote,
      int remotePort,
      boolean natHere,
      boolean natThere,
      boolean peerFragmentation,
      long ageMillis,
      long rekeyInMillis,
      long lifeLeftMillis,
      List<Child> children) {

    @Override
    public String toString() {
      return "IKE SA " + spiI + "_i " + spiR + "_r with " + peer; // never the keys
    }
  }

  /** One Child SA of an {@link IkeSa}: SPIs, suite, mode, traffic selectors, deadlines left. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Child(
      String config,
      long inboundSpi,
      long outboundSpi,
      String suite,
      boolean esn,
      String mode,
      List<Ts> localTs,
      List<Ts> remoteTs,
      String nonceI,
      String nonceR,
      boolean weInitiated,
      long rekeyInMillis,
      long expireInMillis) {}

  /** A traffic selector range (RFC 7296 section 3.13.1). */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Ts(String start, String end, int protocol, int startPort, int endPort) {}

  /** The body of the file; {@code ikeSas} is absent (null) in a version 1 file. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Body(
      int version, long writtenMillis, String configSha256, List<Sa> sas, List<IkeSa> ikeSas) {
    public Body {
      ikeSas = ikeSas == null ? List.of() : ikeSas;
    }

    @Override
    public String toString() {
      return "RestartState.Body["
          + sas.size()
          + " ESP SAs, "
          + ikeSas.size()
          + " IKE SAs, written "
          + writtenMillis
          + "]";
    }
  }

  /** The file's form of {@code s} (the keys in hex: the caller wipes {@code s} itself). */
  static IkeSa ikeSa(IkeSaSnapshot s) {
    byte[] k = s.keymat().copy();
    try {
      return new IkeSa(
          s.peer(),
          s.originalInitiator(),
          String.format("%016x", s.spiI()),
          String.format("%016x", s.spiR()),
          s.proposal().configName(),
          HEX.formatHex(k),
          HEX.formatHex(s.nonceI().toByteArray()),
          HEX.formatHex(s.nonceR().toByteArray()),
          s.nextRequestId(),
          s.nextResponseId(),
          s.peerIdType(),
          HEX.formatHex(s.peerIdData()),
          InetText.format(s.local().getAddress()),
          s.local().getPort(),
          InetText.format(s.remote().getAddress()),
          s.remote().getPort(),
          s.natHere(),
          s.natThere(),
          s.peerFragmentation(),
          s.age().toMillis(),
          millis(s.rekeyIn()),
          millis(s.lifeLeft()),
          s.children().stream().map(RestartState::child).toList());
    } finally {
      java.util.Arrays.fill(k, (byte) 0);
    }
  }

  private static Child child(IkeSaSnapshot.Child c) {
    return new Child(
        c.config(),
        Integer.toUnsignedLong(c.inboundSpi()),
        Integer.toUnsignedLong(c.outboundSpi()),
        c.suite().configName(),
        c.esn(),
        c.mode().name(),
        c.localTs().stream().map(RestartState::ts).toList(),
        c.remoteTs().stream().map(RestartState::ts).toList(),
        HEX.formatHex(c.nonceI().toByteArray()),
        HEX.formatHex(c.nonceR().toByteArray()),
        c.weInitiated(),
        millis(c.rekeyIn()),
        millis(c.expireIn()));
  }

  private static Ts ts(TsRange r) {
    return new Ts(
        InetText.format(r.start()),
        InetText.format(r.end()),
        r.protocol(),
        r.startPort(),
        r.endPort());
  }

  private static long millis(Duration d) {
    return d == null ? -1 : d.toMillis();
  }

  private static Duration duration(long millis) {
    return millis < 0 ? null : Duration.ofMillis(millis);
  }

  /**
   * The engine's form of {@code e}; the caller wipes it.
   *
   * @throws IllegalArgumentException when a field does not parse (a damaged entry)
   */
  static IkeSaSnapshot snapshot(IkeSa e) throws IOException {
    List<IkeSaSnapshot.Child> kids = new ArrayList<>();
    for (Child c : e.children()) {
      kids.add(
          new IkeSaSnapshot.Child(
              c.config(),
              (int) c.inboundSpi(),
              (int) c.outboundSpi(),
              EspSuite.parse(c.suite()),
              c.esn(),
              IpsecMode.valueOf(c.mode()),
              ranges(c.localTs()),
              ranges(c.remoteTs()),
              Bytes.fromHex(c.nonceI()),
              Bytes.fromHex(c.nonceR()),
              c.weInitiated(),
              duration(c.rekeyInMillis()),
              duration(c.expireInMillis())));
    }
    long spiI = Long.parseUnsignedLong(e.spiI(), 16);
    long spiR = Long.parseUnsignedLong(e.spiR(), 16);
    IkeProposal proposal = IkeProposal.parse(e.proposal());
    Bytes ni = Bytes.fromHex(e.nonceI());
    Bytes nr = Bytes.fromHex(e.nonceR());
    byte[] id = HEX.parseHex(e.peerIdData());
    InetSocketAddress local =
        new InetSocketAddress(InetAddress.getByName(e.local()), e.localPort());
    InetSocketAddress remote =
        new InetSocketAddress(InetAddress.getByName(e.remote()), e.remotePort());
    // the keys last, so that nothing can fail between decoding them and handing them over
    return new IkeSaSnapshot(
        e.peer(),
        e.originalInitiator(),
        spiI,
        spiR,
        proposal,
        SecretBytes.wrap(HEX.parseHex(e.keymat())),
        ni,
        nr,
        e.nextRequestId(),
        e.nextResponseId(),
        e.peerIdType(),
        id,
        local,
        remote,
        e.natHere(),
        e.natThere(),
        e.peerFragmentation(),
        Duration.ofMillis(Math.max(0, e.ageMillis())),
        duration(e.rekeyInMillis()),
        duration(e.lifeLeftMillis()),
        kids);
  }

  private static List<TsRange> ranges(List<Ts> list) throws IOException {
    List<TsRange> out = new ArrayList<>();
    for (Ts t : list) {
      out.add(
          new TsRange(
              InetAddress.getByName(t.start()),
              InetAddress.getByName(t.end()),
              t.protocol(),
              t.startPort(),
              t.endPort()));
    }
    return out;
  }

  /** The envelope on disk. */
  record Envelope(String sha256, String body) {}

  /** Builds the fields of an SA entry that come from the SAD's selector. */
  static Sa sa(
      Direction direction,
      int spi,
      InetAddress local,
      int localPort,
      InetAddress peer,
      int peerPort,
      IpsecMode mode,
      Selector sel,
      String policyName,
      Direction policyDirection,
      String suite,
      byte[] key,
      boolean esn,
      int replayWindow,
      SaLifetime soft,
      SaLifetime hard,
      long sequence) {
    return new Sa(
        direction.name(),
        Integer.toUnsignedLong(spi),
        InetText.format(local),
        localPort,
        InetText.format(peer),
        peerPort,
        mode.name(),
        sel.src().toString(),
        sel.dst().toString(),
        sel.protocol(),
        sel.srcPorts().from(),
        sel.srcPorts().to(),
        sel.dstPorts().from(),
        sel.dstPorts().to(),
        sel.icmpType(),
        sel.icmpCode(),
        policyName,
        policyDirection.name(),
        suite,
        HEX.formatHex(key),
        esn,
        replayWindow,
        soft.seconds(),
        soft.bytes(),
        soft.packets(),
        hard.seconds(),
        hard.bytes(),
        hard.packets(),
        sequence);
  }

  /** The SHA-256 of a configuration file, hex. */
  static String configHash(Path config) throws IOException {
    return HEX.formatHex(sha256(Files.readAllBytes(config)));
  }

  /** Writes {@code body} to {@code file} (0600; its directory created 0700 if missing). */
  static void write(Path file, Body body) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    byte[] text = JSON.writeValueAsBytes(body);
    String bodyText = new String(text, StandardCharsets.UTF_8);
    byte[] out = JSON.writeValueAsBytes(new Envelope(HEX.formatHex(sha256(text)), bodyText));
    Files.deleteIfExists(file);
    try (SeekableByteChannel ch =
        Files.newByteChannel(
            file,
            Set.of(
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
            PosixFilePermissions.asFileAttribute(FILE_MODE))) {
      ByteBuffer b = ByteBuffer.wrap(out);
      while (b.hasRemaining()) {
        ch.write(b);
      }
    } finally {
      java.util.Arrays.fill(out, (byte) 0);
      java.util.Arrays.fill(text, (byte) 0);
    }
  }

  /** Why a state file was not used. */
  static final class Refused extends Exception {
    Refused(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * Reads and deletes {@code file} (deleted whether it is used or refused: a refused file must not
   * be tried again), checking its access, integrity, age and configuration.
   *
   * @return the body, or null if there is no state file
   * @throws Refused naming the reason (never quoting the content)
   */
  static Body readAndDelete(Path file, String configSha256, long nowMillis)
      throws Refused, IOException {
    byte[] bytes;
    try {
      Set<PosixFilePermission> perms =
          Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
      if (Files.isSymbolicLink(file)) {
        Files.delete(file);
        throw new Refused("it is a symbolic link");
      }
      int owner = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      int self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      bytes = Files.readAllBytes(file);
      Files.delete(file);
      if (!FILE_MODE.containsAll(perms)) {
        throw new Refused(
            "group or others may access it (" + PosixFilePermissions.toString(perms) + ")");
      }
      if (owner != 0 && owner != self) {
        throw new Refused("it belongs to uid " + owner + ", neither root nor us");
      }
    } catch (NoSuchFileException e) {
      return null;
    }
    try {
      Envelope env = JSON.readValue(bytes, Envelope.class);
      if (env == null || env.body() == null || env.sha256() == null) {
        throw new Refused("damaged: not a meshsec state file");
      }
      byte[] text = env.body().getBytes(StandardCharsets.UTF_8);
      if (!MessageDigest.isEqual(HEX.parseHex(env.sha256()), sha256(text))) {
        throw new Refused("damaged: the checksum does not match");
      }
      Body body = JSON.readValue(text, Body.class);
      if (body.version() < OLDEST_VERSION || body.version() > VERSION) {
        throw new Refused(
            "format version "
                + body.version()
                + ", this build reads "
                + OLDEST_VERSION
                + " to "
                + VERSION);
      }
      long age = nowMillis - body.writtenMillis();
      if (age < 0 || age > MAX_AGE_MILLIS) {
        throw new Refused(
            "stale: written " + age / 1000 + " s ago (at most " + MAX_AGE_MILLIS / 1000 + " s)");
      }
      if (!body.configSha256().equals(configSha256)) {
        throw new Refused("written under another configuration (its SHA-256 differs)");
      }
      return body;
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new Refused("damaged: not valid JSON of the expected shape");
    } finally {
      java.util.Arrays.fill(bytes, (byte) 0);
    }
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
