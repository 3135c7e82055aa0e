package org.meshsec.core.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.io.IOException;
import java.net.InetAddress;
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
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.net.PortRange;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Selector;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SaLifetime;
import org.meshsec.inet.InetText;

/**
 * The hot-restart state file: the ESP SAs one process hands to the next so that traffic keeps
 * flowing across a restart (see {@code docs/operations.md}, "Hot restart"). Written by {@code
 * Daemon.close} after a stop for restart, read and deleted by the next start.
 *
 * <p>On disk it is one JSON object: {@code {"sha256": "...", "body": "<the state as JSON text>"}};
 * the digest covers the body's bytes, so a truncated or altered file is refused as damaged. The
 * body names the version of the format, when it was written, the SHA-256 of the configuration file
 * it was written under and the SAs: addresses, ports, mode, selector, the policy by name and
 * direction, the suite by its config name, the key material in hex, ESN, replay window, the
 * lifetimes left and the sequence state (outbound: the last number sent plus a safety margin;
 * inbound: the highest received).
 *
 * <p>The file holds keys: it is written with mode 0600 into a directory of its own (created 0700),
 * never followed through a symbolic link, and refused on reading if group or others may access it
 * or another user owns it (the checks of the secrets file). Stateless; thread-safe.
 */
public final class RestartState {
  static final int VERSION = 1;

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

  /** The body of the file. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Body(int version, long writtenMillis, String configSha256, List<Sa> sas) {
    @Override
    public String toString() {
      return "RestartState.Body[" + sas.size() + " SAs, written " + writtenMillis + "]";
    }
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
      if (body.version() != VERSION) {
        throw new Refused("format version " + body.version() + ", this build reads " + VERSION);
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
