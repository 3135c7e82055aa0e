package org.meshsec.lab.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class IcmpEchoTest {

  /** RFC 1071 section 3: words 0001 f203 f4f5 f6f7 sum to ddf2, so the checksum is 220d. */
  @Test
  void rfc1071Example() {
    byte[] b = {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7};
    assertEquals(0x220d, IcmpEcho.checksum(b, 0, b.length));
  }

  @Test
  void oddLengthPadsWithZero() {
    byte[] b = {0x12, 0x34, 0x56};
    assertEquals(~(0x1234 + 0x5600) & 0xffff, IcmpEcho.checksum(b, 0, 3));
  }

  /** A well-formed IPv4 echo request: type 8, code 0, id, seq, and a checksum that verifies. */
  @Test
  void v4RequestLayoutAndChecksum() {
    byte[] buf = new byte[64];
    int len = IcmpEcho.encodeRequest(buf, false, 0xbeef, 0x0102, new byte[] {9, 8, 7});
    assertEquals(11, len);
    assertEquals(8, buf[0]);
    assertEquals(0, buf[1]);
    assertEquals((byte) 0xbe, buf[4]);
    assertEquals((byte) 0xef, buf[5]);
    assertEquals(1, buf[6]);
    assertEquals(2, buf[7]);
    assertEquals(9, buf[8]);
    assertEquals(0, IcmpEcho.checksum(buf, 0, len), "checksum over the message must verify to 0");
  }

  @Test
  void v6RequestLeavesChecksumToTheKernel() {
    byte[] buf = new byte[16];
    IcmpEcho.encodeRequest(buf, true, 1, 2, new byte[0]);
    assertEquals((byte) 128, buf[0]);
    assertEquals(0, buf[2]);
    assertEquals(0, buf[3]);
  }

  @Test
  void parseReadsFieldsAndData() {
    byte[] buf = {99, 0, 0, 0, 0x12, 0x34, 0x00, 0x05, 1, 2, 3};
    buf[0] = 0;
    IcmpEcho.Echo e = IcmpEcho.parse(buf, 0, buf.length);
    assertEquals(new IcmpEcho.Echo(0, 0, 0x1234, 5, 8, 3), e);
    assertNull(IcmpEcho.parse(buf, 0, 7));
  }
}
