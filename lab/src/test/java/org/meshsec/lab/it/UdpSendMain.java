package org.meshsec.lab.it;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * {@code UdpSendMain [--bind ADDR] [--echo TIMEOUT_MS] HOST PORT HEX...}: sends each HEX payload as
 * one UDP datagram to HOST:PORT from a socket bound to ADDR (port chosen by the kernel), printing
 * {@code sent N bytes} per datagram. With {@code --echo}, waits for each one to come back unchanged
 * ({@code echo N bytes ok}) and exits 1 if it does not. Run by the tests inside a namespace: to
 * re-send a captured ESP datagram to a node's port 4500, to send a forged one, or to push a marker
 * string through the tunnel.
 */
public final class UdpSendMain {
  private UdpSendMain() {}

  public static void main(String[] args) throws Exception {
    String bind = null;
    int echo = 0;
    int i = 0;
    while (i < args.length && args[i].startsWith("--")) {
      switch (args[i]) {
        case "--bind" -> bind = args[i + 1];
        case "--echo" -> echo = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
      i += 2;
    }
    InetAddress host = InetAddress.getByName(args[i]);
    int port = Integer.parseInt(args[i + 1]);
    try (DatagramSocket s =
        new DatagramSocket(
            bind == null ? new InetSocketAddress(0) : new InetSocketAddress(bind, 0))) {
      if (echo > 0) {
        s.setSoTimeout(echo);
      }
      int failures = 0;
      for (int k = i + 2; k < args.length; k++) {
        byte[] payload = HexFormat.of().parseHex(args[k]);
        s.send(new DatagramPacket(payload, payload.length, host, port));
        System.out.println("sent " + payload.length + " bytes");
        if (echo > 0) {
          byte[] buf = new byte[65536];
          DatagramPacket in = new DatagramPacket(buf, buf.length);
          try {
            s.receive(in);
            byte[] got = Arrays.copyOf(in.getData(), in.getLength());
            if (Arrays.equals(got, payload)) {
              System.out.println("echo " + got.length + " bytes ok");
            } else {
              System.out.println("echo differs: " + got.length + " bytes");
              failures++;
            }
          } catch (SocketTimeoutException e) {
            System.out.println("no echo within " + echo + " ms");
            failures++;
          }
        }
      }
      System.exit(failures == 0 ? 0 : 1);
    }
  }
}
