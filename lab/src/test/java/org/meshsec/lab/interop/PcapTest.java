package org.meshsec.lab.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.meshsec.lab.pcap.Pcap;

/** {@link Pcap} on hand-built capture files, and {@link Captures}' IKE/ESP demultiplexing. */
class PcapTest {

  private static byte[] udp4(int srcPort, int dstPort, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(20 + 8 + payload.length);
    b.put((byte) 0x45).put((byte) 0).putShort((short) (28 + payload.length));
    b.putShort((short) 1).putShort((short) 0x4000); // DF, no fragment offset
    b.put((byte) 64).put((byte) 17).putShort((short) 0);
    b.put(new byte[] {(byte) 192, 0, 2, 1}).put(new byte[] {(byte) 192, 0, 2, 2});
    b.putShort((short) srcPort).putShort((short) dstPort);
    b.putShort((short) (8 + payload.length)).putShort((short) 0);
    return b.put(payload).array();
  }

  private static byte[] ethernet(int etherType, byte[] ip) {
    ByteBuffer b = ByteBuffer.allocate(14 + ip.length);
    b.put(new byte[12]).putShort((short) etherType);
    return b.put(ip).array();
  }

  private static byte[] pcap(ByteOrder order, int magic, int linkType, List<byte[]> frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer h = ByteBuffer.allocate(24).order(order);
    h.putInt(magic).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0);
    h.putInt(262144).putInt(linkType);
    out.writeBytes(h.array());
    int t = 0;
    for (byte[] f : frames) {
      ByteBuffer r = ByteBuffer.allocate(16).order(order);
      r.putInt(1000 + t).putInt(magic == 0xa1b23c4d ? 5000 : 5).putInt(f.length).putInt(f.length);
      out.writeBytes(r.array());
      out.writeBytes(f);
      t++;
    }
    return out.toByteArray();
  }

  @Test
  void readsEthernetUdpInBothByteOrdersAndTimestampUnits() throws Exception {
    byte[] payload = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    byte[] frame = ethernet(0x0800, udp4(4500, 4500, payload));
    for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
      for (int magic : new int[] {0xa1b2c3d4, 0xa1b23c4d}) {
        List<Pcap.Frame> frames =
            Pcap.frames(pcap(order, magic, Pcap.LINKTYPE_ETHERNET, List.of(frame, frame)));
        assertEquals(2, frames.size());
        assertEquals(1_000_000_005L, frames.get(0).micros());
        Pcap.Udp u = Pcap.udp(Pcap.ip(frames.get(1)));
        assertEquals("192.0.2.1", u.src().getHostAddress());
        assertEquals("192.0.2.2", u.dst().getHostAddress());
        assertEquals(4500, u.srcPort());
        assertArrayEquals(payload, u.data());
      }
    }
  }

  @Test
  void readsRawIpAndCookedCaptures() throws Exception {
    byte[] ip = udp4(500, 500, new byte[30]);
    assertEquals(
        500,
        Pcap.udp(
                Pcap.ip(
                    Pcap.frames(
                            pcap(
                                ByteOrder.LITTLE_ENDIAN,
                                0xa1b2c3d4,
                                Pcap.LINKTYPE_RAW,
                                List.of(ip)))
                        .get(0)))
            .dstPort());
    byte[] sll =
        ByteBuffer.allocate(16 + ip.length)
            .put(new byte[14])
            .putShort((short) 0x0800)
            .put(ip)
            .array();
    assertEquals(
        30,
        Pcap.udp(
                Pcap.ip(
                    Pcap.frames(
                            pcap(
                                ByteOrder.LITTLE_ENDIAN,
                                0xa1b2c3d4,
                                Pcap.LINKTYPE_LINUX_SLL,
                                List.of(sll)))
                        .get(0)))
            .data()
            .length);
  }

  @Test
  void skipsFragmentsAndNonIpAndRejectsGarbage() throws Exception {
    byte[] frag = udp4(4500, 4500, new byte[20]);
    frag[6] = 0x20; // more fragments
    assertNull(Pcap.ip(new Pcap.Frame(0, Pcap.LINKTYPE_ETHERNET, ethernet(0x0800, frag))));
    assertNull(Pcap.ip(new Pcap.Frame(0, Pcap.LINKTYPE_ETHERNET, ethernet(0x0806, new byte[28]))));
    assertThrows(IOException.class, () -> Pcap.frames(new byte[24]));
    byte[] truncated =
        pcap(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 1, List.of(ethernet(0x0800, frag)));
    assertThrows(
        IOException.class,
        () -> Pcap.frames(java.util.Arrays.copyOf(truncated, truncated.length - 1)));
  }

  @Test
  void demultiplexesIkeEspAndKeepalives() throws Exception {
    byte[] ikeHeader = new byte[28];
    ikeHeader[18] = 34;
    ikeHeader[19] = 0x08;
    byte[] marked = new byte[32];
    System.arraycopy(ikeHeader, 0, marked, 4, 28);
    byte[] esp = {0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1, 9, 9};
    Pcap.Udp on500 = udp(500, ikeHeader);
    Pcap.Udp on4500 = udp(4500, marked);
    Pcap.Udp espUdp = udp(4500, esp);
    Pcap.Udp keepalive = udp(4500, new byte[] {(byte) 0xff});
    assertEquals(Captures.Kind.IKE, Captures.classify(on500));
    assertEquals(Captures.Kind.IKE, Captures.classify(on4500));
    assertEquals(Captures.Kind.ESP, Captures.classify(espUdp));
    assertEquals(Captures.Kind.NAT_KEEPALIVE, Captures.classify(keepalive));
    assertEquals(Captures.Kind.OTHER, Captures.classify(udp(53, esp)));
    assertEquals(0x12345678, Captures.espSpi(espUdp));
    assertArrayEquals(ikeHeader, Captures.ike(on4500).bytes(), "non-ESP marker stripped");
    assertEquals("ikev2_sa_init_request.hex", Captures.ike(on500).fileName());
    assertNull(Captures.ike(espUdp));
  }

  @Test
  void decodesPortsAndPayloadAndToleratesATruncatedLastRecordWhileCapturing() throws Exception {
    byte[] frame = ethernet(0x0800, udp4(4500, 4501, new byte[] {9, 8, 7}));
    byte[] file =
        pcap(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, Pcap.LINKTYPE_ETHERNET, List.of(frame, frame));
    Path p = Files.createTempFile("meshsec-pcap-", ".pcap");
    try {
      Files.write(p, Arrays.copyOf(file, file.length - 1)); // tcpdump still writing the second
      List<Pcap.Packet> packets = Pcap.read(p);
      assertEquals(1, packets.size());
      Pcap.Packet x = packets.get(0);
      assertEquals(Pcap.ETH_IPV4, x.etherType());
      assertEquals(4, x.ipVersion());
      assertEquals(Pcap.UDP, x.protocol());
      assertEquals(4500, x.srcPort());
      assertTrue(x.isUdp(4501));
      assertArrayEquals(new byte[] {9, 8, 7}, x.payload());
      assertTrue(x.contains(new byte[] {8, 7}));
    } finally {
      Files.deleteIfExists(p);
    }
  }

  @Test
  void hexFilesRoundTripAndKeyLogsParse() {
    byte[] b = new byte[70];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i * 7);
    }
    String text = Captures.hexFile(List.of("a comment", "another"), b);
    assertArrayEquals(b, Captures.parseHex(text));
    String log =
        "# comment\n"
            + "11:00:00.000 15[IKE] <c|1> SKEYSEED => 18 bytes @ 0x7f00\n"
            + "11:00:00.000 15[IKE] <c|1>    0: 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F"
            + "  AB CD EF\n"
            + "11:00:00.000 15[IKE] <c|1>   16: FF FE                                          ..\n"
            + "11:00:00.000 15[IKE] <c|1> something else\n";
    byte[] seed = Captures.keyLog(log).get("SKEYSEED");
    assertEquals(18, seed.length);
    assertEquals(0x0f, seed[15]);
    assertEquals((byte) 0xfe, seed[17]);
    assertEquals(
        log.substring(log.indexOf('\n') + 1, log.lastIndexOf("11:")), Captures.keyLogExcerpt(log));
  }

  private static Pcap.Udp udp(int port, byte[] data) throws Exception {
    return new Pcap.Udp(
        0,
        java.net.InetAddress.getByName("192.0.2.1"),
        port,
        java.net.InetAddress.getByName("192.0.2.2"),
        port,
        data);
  }
}
