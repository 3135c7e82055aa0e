package org.meshsec.esp.encap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.meshsec.esp.encap.UdpEncap.Kind;

/** RFC 3948 section 2 demultiplexing of what arrives on UDP port 4500. */
class UdpEncapTest {

  /**
   * Builds a direct pooled buffer (leak-tracked in tests) holding {@code hex} as readable bytes.
   */
  private static ByteBuf buf(String hex) {
    byte[] bytes = ByteBufUtil.decodeHexDump(hex);
    ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer(bytes.length + 16);
    b.writeBytes(bytes);
    return b;
  }

  private static String zeros(int n) {
    return "00".repeat(n);
  }

  /** Classifies and asserts the indexes did not move. */
  private static Kind classify(ByteBuf b) {
    int r = b.readerIndex();
    int w = b.writerIndex();
    Kind k = UdpEncap.classify(b);
    assertEquals(r, b.readerIndex(), "readerIndex moved");
    assertEquals(w, b.writerIndex(), "writerIndex moved");
    return k;
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    // ESP (RFC 3948 section 2.1): non-zero SPI outside 1..255, at least SPI + sequence.
    "'0000010000000001', ESP",
    "'ffffffff00000001', ESP",
    "'c0ffee0000000001aabbccddeeff', ESP",
    "'8000000000000000', ESP",
    // ESP too short for SPI + sequence.
    "'c0ffee00', MALFORMED",
    "'c0ffee00000000', MALFORMED",
    // Reserved SPIs 1..255 (RFC 4303 section 2.1).
    "'0000000100000001', MALFORMED",
    "'000000ff00000001', MALFORMED",
    // Keepalive (RFC 3948 section 2.3): exactly one 0xFF octet.
    "'ff', KEEPALIVE",
    "'00', MALFORMED",
    "'fe', MALFORMED",
    "'7f', MALFORMED",
    "'ffff', MALFORMED",
    "'ffffff', MALFORMED",
    // Too short for anything.
    "'', MALFORMED",
    "'0000', MALFORMED",
    "'000000', MALFORMED",
  })
  void classifies(String hex, Kind expected) {
    ByteBuf b = buf(hex);
    try {
      assertEquals(expected, classify(b));
    } finally {
      b.release();
    }
  }

  @Test
  void ikeNeedsMarkerPlusMinimalIkeHeader() {
    // Non-ESP marker (RFC 3948 section 2.2) + an IKE header, at least 28 octets (RFC 7296 3.1).
    for (int ike : new int[] {0, 1, 4, 27}) {
      ByteBuf b = buf(zeros(4) + "11".repeat(ike));
      try {
        assertEquals(Kind.MALFORMED, classify(b), "IKE part of " + ike + " bytes");
      } finally {
        b.release();
      }
    }
    for (int ike : new int[] {28, 29, 300}) {
      ByteBuf b = buf(zeros(4) + "11".repeat(ike));
      try {
        assertEquals(Kind.IKE, classify(b), "IKE part of " + ike + " bytes");
      } finally {
        b.release();
      }
    }
  }

  @Test
  void capturedIkeSaInitHeaderAfterMarker() {
    // Marker, then an IKEv2 header: initiator SPI, responder SPI 0, next payload SA (33),
    // version 2.0, IKE_SA_INIT (34), flags Initiator, message id 0, length 28.
    ByteBuf b =
        buf(
            "00000000"
                + "0123456789abcdef"
                + "0000000000000000"
                + "21202208"
                + "00000000"
                + "0000001c");
    try {
      assertEquals(Kind.IKE, classify(b));
    } finally {
      b.release();
    }
  }

  @Test
  void readsOnlyTheReadableBytes() {
    // Junk before readerIndex and after writerIndex must be ignored.
    ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer(64);
    try {
      b.writeBytes(ByteBufUtil.decodeHexDump("00000000" + "ff"));
      b.readerIndex(4);
      b.setBytes(5, ByteBufUtil.decodeHexDump("c0ffee0000000001")); // beyond writerIndex
      assertEquals(Kind.KEEPALIVE, classify(b));

      b.clear().writeBytes(ByteBufUtil.decodeHexDump("ff" + "0000000100000002"));
      b.readerIndex(1);
      assertEquals(Kind.MALFORMED, classify(b)); // reserved SPI 1 at the reader index

      b.clear().writeBytes(ByteBufUtil.decodeHexDump("ffffffff" + "c0ffee00000000"));
      b.readerIndex(4);
      assertEquals(Kind.MALFORMED, classify(b)); // 7 readable bytes: short ESP

      b.clear().writeBytes(ByteBufUtil.decodeHexDump("00000000" + "c0ffee0000000001"));
      b.readerIndex(4);
      assertEquals(Kind.ESP, classify(b));
      assertEquals(0xc0ffee00, UdpEncap.spi(b));
      assertEquals(4, b.readerIndex());

      // A slice sees only its own window.
      ByteBuf whole = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("ff00000000"));
      assertEquals(Kind.KEEPALIVE, classify(whole.slice(0, 1)));
      assertEquals(Kind.MALFORMED, classify(whole.slice(1, 4)));
      assertEquals(Kind.MALFORMED, classify(whole));
    } finally {
      b.release();
    }
  }

  @Test
  void spiIsTheFirstFourOctetsBigEndian() {
    ByteBuf b = buf("fedcba9800000001");
    try {
      assertEquals(Kind.ESP, classify(b));
      assertEquals(0xfedcba98, UdpEncap.spi(b));
      assertEquals(0, b.readerIndex());
      assertEquals(8, b.writerIndex());
    } finally {
      b.release();
    }
  }

  @Test
  void nonEspMarkerRoundTrip() {
    ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer(64);
    try {
      UdpEncap.writeNonEspMarker(b);
      assertEquals(UdpEncap.NON_ESP_MARKER_LENGTH, b.readableBytes());
      assertEquals("00000000", ByteBufUtil.hexDump(b));
      b.writeZero(28);
      assertEquals(Kind.IKE, classify(b));
    } finally {
      b.release();
    }
  }
}
