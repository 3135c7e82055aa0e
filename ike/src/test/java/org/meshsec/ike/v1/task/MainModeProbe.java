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
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.v1.message.IdPayload;
import org.meshsec.ike.v1.message.Phase1Attribute;

/**
 * Lab tool, not a test: runs our Main Mode PSK initiator or responder against a real IKEv1 peer
 * over UDP port 500 and prints each step. Used by {@code captures/strongswan-ikev1/probe.sh}
 * against strongSwan 5.9 in a network namespace.
 *
 * <pre>
 * java -cp ... org.meshsec.ike.v1.task.MainModeProbe initiator|responder LOCAL_IP REMOTE_IP PSK_HEX
 * </pre>
 */
public final class MainModeProbe {
  private MainModeProbe() {}

  public static void main(String[] args) throws Exception {
    boolean initiator = args[0].equals("initiator");
    InetAddress local = InetAddress.getByName(args[1]);
    InetAddress remote = InetAddress.getByName(args[2]);
    SecretBytes psk = SecretBytes.copyOf(HexFormat.of().parseHex(args[3]));
    Phase1Proposal proposal =
        new Phase1Proposal(
            Phase1Attribute.Encryption.AES_CBC,
            128,
            Phase1Attribute.Hash.SHA2_256,
            DhGroup.MODP_2048,
            28800);
    Phase1Config config =
        new Phase1Config(
            List.of(proposal),
            psk,
            IdPayload.address(local),
            Optional.of(IdPayload.address(remote)));
    MainModeExchange x =
        initiator
            ? MainModeExchange.initiator(config, new SecureRandom())
            : MainModeExchange.responder(config, new SecureRandom());
    InetSocketAddress peer = new InetSocketAddress(remote, 500);
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(local, 500))) {
      socket.setSoTimeout(10_000);
      if (initiator) {
        send(socket, x.start(), peer);
      }
      while (true) {
        DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
        socket.receive(p);
        byte[] in = Arrays.copyOf(p.getData(), p.getLength());
        System.out.println("received " + in.length + " bytes");
        MainModeExchange.Outcome o = x.receive(in);
        if (o instanceof MainModeExchange.Outcome.Reply r) {
          send(socket, r.datagram(), peer);
          if (r.done()) {
            established(x);
            return;
          }
        } else if (o instanceof MainModeExchange.Outcome.Done) {
          established(x);
          return;
        } else {
          System.out.println("FAILED " + o);
          System.exit(1);
        }
      }
    } finally {
      psk.wipe();
    }
  }

  private static void send(DatagramSocket socket, byte[] out, InetSocketAddress peer)
      throws java.io.IOException {
    System.out.println("sent " + out.length + " bytes");
    socket.send(new DatagramPacket(out, out.length, peer));
  }

  private static void established(MainModeExchange x) {
    System.out.println(
        "ESTABLISHED " + x.sa() + " peer " + x.sa().remoteId() + " " + x.sa().chosen());
  }
}
