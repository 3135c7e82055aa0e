package org.meshsec.lab.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A checksummed TCP transfer between two network namespaces, run as two small JVMs through {@code
 * ip netns exec} (the test JVM itself stays in the host namespace). The sender writes random bytes
 * with a plaintext marker every 64 KiB and prints {@code sent <bytes> <sha256>}; the receiver
 * accepts one connection, reads to EOF and prints {@code received <bytes> <sha256>}.
 *
 * <pre>
 * TcpCheck recv BIND_ADDR PORT                 (prints "listening" once bound)
 * TcpCheck send SRC_ADDR DST_ADDR PORT BYTES MARKER
 * </pre>
 */
public final class TcpCheck {
  private static final int MARKER_EVERY = 64 * 1024;

  private TcpCheck() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "recv" -> receive(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
      case "send" ->
          send(
              InetAddress.getByName(args[1]),
              InetAddress.getByName(args[2]),
              Integer.parseInt(args[3]),
              Long.parseLong(args[4]),
              args[5].getBytes(StandardCharsets.US_ASCII));
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  private static void receive(InetAddress bind, int port) throws IOException {
    try (ServerSocket ss = new ServerSocket()) {
      ss.setReuseAddress(true);
      ss.bind(new InetSocketAddress(bind, port));
      ss.setSoTimeout(30_000);
      System.out.println("listening");
      System.out.flush();
      try (Socket s = ss.accept();
          InputStream in = s.getInputStream()) {
        s.setSoTimeout(30_000);
        MessageDigest md = sha256();
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
          md.update(buf, 0, n);
          total += n;
        }
        System.out.println("received " + total + " " + HexFormat.of().formatHex(md.digest()));
      }
    }
  }

  private static void send(InetAddress src, InetAddress dst, int port, long bytes, byte[] marker)
      throws IOException {
    MessageDigest md = sha256();
    SplittableRandom rnd = new SplittableRandom(System.nanoTime());
    byte[] block = new byte[MARKER_EVERY];
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(src, 0));
      s.connect(new InetSocketAddress(dst, port), 10_000);
      OutputStream out = s.getOutputStream();
      long left = bytes;
      while (left > 0) {
        rnd.nextBytes(block);
        System.arraycopy(marker, 0, block, 0, Math.min(marker.length, block.length));
        int n = (int) Math.min(block.length, left);
        out.write(block, 0, n);
        md.update(block, 0, n);
        left -= n;
      }
      out.flush();
      s.shutdownOutput();
    }
    System.out.println("sent " + bytes + " " + HexFormat.of().formatHex(md.digest()));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** The command line that runs this class with {@code args} in a fresh JVM. */
  static List<String> command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xshare:auto");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    try {
      cmd.add(
          Path.of(TcpCheck.class.getProtectionDomain().getCodeSource().getLocation().toURI())
              .toString());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    cmd.add(TcpCheck.class.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }
}
