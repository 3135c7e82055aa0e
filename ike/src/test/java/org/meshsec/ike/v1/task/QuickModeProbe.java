package org.meshsec.ike.v1.task;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.port.MemoryIpsec;
import org.meshsec.ike.port.TsRange;
import org.meshsec.ike.v1.message.IdPayload;
import org.meshsec.ike.v1.message.Phase1Attribute;

/**
 * Lab tool, not a test: runs our Main Mode PSK initiator and then a Quick Mode initiator (10.0.0.1
 * === 10.0.1.1, AES-128-CBC / HMAC-SHA2-256, plain Tunnel mode since this probe sends no NAT-D)
 * against a real IKEv1 responder over UDP port 500, and prints each step and the SPIs installed in
 * a {@link MemoryIpsec}. {@code record.sh probe-qm} runs it against strongSwan 5.9.
 *
 * <pre>
 * java -cp ... org.meshsec.ike.v1.task.QuickModeProbe LOCAL_IP REMOTE_IP PSK_HEX
 * </pre>
 */
public final class QuickModeProbe {
  private QuickModeProbe() {}

  public static void main(String[] args) throws Exception {
    InetAddress local = InetAddress.getByName(args[0]);
    InetAddress remote = InetAddress.getByName(args[1]);
    SecretBytes psk = SecretBytes.copyOf(HexFormat.of().parseHex(args[2]));
    Phase1Proposal proposal =
        new Phase1Proposal(
            Phase1Attribute.Encryption.AES_CBC,
            128,
            Phase1Attribute.Hash.SHA2_256,
            DhGroup.MODP_2048,
            28800);
    MainModeExchange mm =
        MainModeExchange.initiator(
            new Phase1Config(
                List.of(proposal),
                psk,
                IdPayload.address(local),
                Optional.of(IdPayload.address(remote))),
            new SecureRandom());
    InetSocketAddress peer = new InetSocketAddress(remote, 500);
    InetSocketAddress us = new InetSocketAddress(local, 500);
    try (DatagramSocket socket = new DatagramSocket(us)) {
      socket.setSoTimeout(10_000);
      send(socket, mm.start(), peer);
      while (!mm.sa().established()) {
        MainModeExchange.Outcome o = mm.receive(receive(socket));
        if (o instanceof MainModeExchange.Outcome.Reply r) {
          send(socket, r.datagram(), peer);
        } else if (o instanceof MainModeExchange.Outcome.Failed f) {
          System.out.println("FAILED phase 1 " + f);
          System.exit(1);
        }
      }
      System.out.println("ESTABLISHED " + mm.sa());
      MemoryIpsec ipsec = new MemoryIpsec(0x0100_0000);
      QuickModeConfig config =
          new QuickModeConfig(
              "probe",
              1,
              List.of(EspSuite.AES128_CBC_SHA256),
              DhGroup.NONE,
              IpsecMode.TUNNEL,
              false,
              List.of(TsRange.parse("10.0.0.1")),
              List.of(TsRange.parse("10.0.1.1")),
              3600,
              0);
      QuickModeExchange qm = QuickModeExchange.initiator(mm.sa(), config, ipsec, us, peer);
      send(socket, qm.start(), peer);
      while (!qm.finished()) {
        byte[] in = receive(socket);
        if (org.meshsec.ike.v1.message.Datagram.decode(in).orElseThrow().header().messageId()
            != qm.task().messageId()) {
          System.out.println("(not our Quick Mode, ignored)");
          continue;
        }
        MainModeExchange.Outcome o = qm.receive(in);
        if (o instanceof MainModeExchange.Outcome.Reply r) {
          send(socket, r.datagram(), peer);
        } else if (o instanceof MainModeExchange.Outcome.Failed f) {
          System.out.println("FAILED Quick Mode " + f);
          System.exit(1);
        }
      }
      System.out.println(
          "QUICK MODE DONE " + qm.task() + " lifetime " + qm.task().lifeSeconds() + "s");
      for (MemoryIpsec.Pair p : ipsec.installed()) {
        System.out.println("INSTALLED " + p.sa());
      }
      Thread.sleep(1000);
    } finally {
      psk.wipe();
    }
  }

  private static byte[] receive(DatagramSocket socket) throws java.io.IOException {
    DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
    socket.receive(p);
    byte[] in = Arrays.copyOf(p.getData(), p.getLength());
    System.out.println("received " + in.length + " bytes");
    return in;
  }

  private static void send(DatagramSocket socket, byte[] out, InetSocketAddress peer)
      throws java.io.IOException {
    System.out.println("sent " + out.length + " bytes");
    socket.send(new DatagramPacket(out, out.length, peer));
  }
}
