package org.meshsec.esp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ESP-in-UDP sizes, against values computed by hand:
 *
 * <pre>
 * overhead = outer IP (20|40) + UDP 8 + SPI/seq 8 + IV + (block - 1) + 2 + ICV  [- inner IP, transport]
 *   GCM/ChaCha: IV 8, block 4, ICV 16     CBC: IV 16, block 16, ICV 16 / 24 / 32 (SHA-256/384/512)
 * largest TUN packet = floor((underlay - outer IP - 8 - 8 - IV - ICV) / block) * block - 2
 *                      [+ inner IP, transport]
 * </pre>
 */
class EspOverheadTest {

  @ParameterizedTest(name = "{0} {1} IPv{2}: overhead {3}, TUN {4}")
  @CsvSource({
    // suite,          mode,      ip, overhead, max TUN packet at 1500
    // tunnel, IPv4: 20+8+8+8+3+2+16 = 65; (1500-20-8-8-8-16)=1440 -> 1440-2 = 1438
    "aes128gcm16,      TUNNEL,    4,  65,  1438",
    "aes256gcm16,      TUNNEL,    4,  65,  1438",
    "chacha20poly1305, TUNNEL,    4,  65,  1438",
    // 20+8+8+16+15+2+16 = 85; 1500-20-8-8-16-16 = 1432 -> 1424 -> 1422
    "aes128-sha256,    TUNNEL,    4,  85,  1422",
    "aes256-sha256,    TUNNEL,    4,  85,  1422",
    // ICV 24: 93; 1500-20-8-8-16-24 = 1424 -> 1424 -> 1422
    "aes128-sha384,    TUNNEL,    4,  93,  1422",
    "aes256-sha384,    TUNNEL,    4,  93,  1422",
    // ICV 32: 101; 1500-20-8-8-16-32 = 1416 -> 1408 -> 1406
    "aes128-sha512,    TUNNEL,    4,  101, 1406",
    "aes256-sha512,    TUNNEL,    4,  101, 1406",
    // tunnel, IPv6: +20 overhead; 1500-40-8-8-8-16 = 1420 -> 1418
    "aes128gcm16,      TUNNEL,    6,  85,  1418",
    "aes256gcm16,      TUNNEL,    6,  85,  1418",
    "chacha20poly1305, TUNNEL,    6,  85,  1418",
    // 1500-40-8-8-16-16 = 1412 -> 1408 -> 1406
    "aes128-sha256,    TUNNEL,    6,  105, 1406",
    "aes256-sha256,    TUNNEL,    6,  105, 1406",
    // 1500-40-8-8-16-24 = 1404 -> 1392 -> 1390
    "aes128-sha384,    TUNNEL,    6,  113, 1390",
    "aes256-sha384,    TUNNEL,    6,  113, 1390",
    // 1500-40-8-8-16-32 = 1396 -> 1392 -> 1390
    "aes128-sha512,    TUNNEL,    6,  121, 1390",
    "aes256-sha512,    TUNNEL,    6,  121, 1390",
    // transport, IPv4: the 20-byte inner header is replaced: 65-20 = 45; 1438+20 = 1458
    "aes128gcm16,      TRANSPORT, 4,  45,  1458",
    "aes256gcm16,      TRANSPORT, 4,  45,  1458",
    "chacha20poly1305, TRANSPORT, 4,  45,  1458",
    "aes128-sha256,    TRANSPORT, 4,  65,  1442",
    "aes256-sha256,    TRANSPORT, 4,  65,  1442",
    "aes128-sha384,    TRANSPORT, 4,  73,  1442",
    "aes256-sha384,    TRANSPORT, 4,  73,  1442",
    "aes128-sha512,    TRANSPORT, 4,  81,  1426",
    "aes256-sha512,    TRANSPORT, 4,  81,  1426",
    // transport, IPv6: 85-40 = 45; 1418+40 = 1458; 1406+40 = 1446; 1390+40 = 1430
    "aes128gcm16,      TRANSPORT, 6,  45,  1458",
    "aes256gcm16,      TRANSPORT, 6,  45,  1458",
    "chacha20poly1305, TRANSPORT, 6,  45,  1458",
    "aes128-sha256,    TRANSPORT, 6,  65,  1446",
    "aes256-sha256,    TRANSPORT, 6,  65,  1446",
    "aes128-sha384,    TRANSPORT, 6,  73,  1430",
    "aes256-sha384,    TRANSPORT, 6,  73,  1430",
    "aes128-sha512,    TRANSPORT, 6,  81,  1430",
    "aes256-sha512,    TRANSPORT, 6,  81,  1430",
  })
  void overheadAndLargestTunPacket(
      String suiteName, IpsecMode mode, int ip, int overhead, int maxInner) {
    EspSuite suite = EspSuite.parse(suiteName);
    assertEquals(overhead, EspOverhead.maxOverhead(suite, mode, ip));
    assertEquals(maxInner, EspOverhead.maxInnerPacket(1500, suite, mode, ip));
    // exact: the largest packet fills at most 1500 bytes, one byte more does not fit
    assertTrue(EspOverhead.outerPacketLength(maxInner, suite, mode, ip) <= 1500);
    assertTrue(EspOverhead.outerPacketLength(maxInner + 1, suite, mode, ip) > 1500);
    // and never worse than the worst-case subtraction
    assertTrue(maxInner >= 1500 - overhead);
    assertTrue(maxInner - (1500 - overhead) < suite.blockSize());
  }

  @Test
  void outerPacketLengthByHand() {
    // 1400-byte packet, AES-GCM tunnel over IPv4: 1400+2 = 1402 -> pad to 1404;
    // 20 + 8 + 8 + 8 + 1404 + 16 = 1464
    assertEquals(
        1464, EspOverhead.outerPacketLength(1400, EspSuite.AES128_GCM16, IpsecMode.TUNNEL, 4));
    // 100-byte packet, AES-CBC/SHA-256 transport over IPv6: payload 60, 62 -> 64;
    // 40 + 8 + 8 + 16 + 64 + 16 = 152
    assertEquals(
        152,
        EspOverhead.outerPacketLength(100, EspSuite.AES128_CBC_SHA256, IpsecMode.TRANSPORT, 6));
  }

  @Test
  void everyUnderlayMtuGivesTheExactLargestPacket() {
    for (EspSuite s : EspSuite.supported()) {
      for (IpsecMode m : IpsecMode.values()) {
        for (int ip : new int[] {4, 6}) {
          for (int mtu = 576; mtu <= 9000; mtu += 7) {
            int max = EspOverhead.maxInnerPacket(mtu, s, m, ip);
            assertTrue(EspOverhead.outerPacketLength(max, s, m, ip) <= mtu);
            assertTrue(EspOverhead.outerPacketLength(max + 1, s, m, ip) > mtu);
          }
        }
      }
    }
  }
}
