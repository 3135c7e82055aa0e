package org.meshsec.esp.encap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.meshsec.esp.encap.UdpEncap.Kind;
import org.meshsec.fuzz.FuzzBudget;
import org.meshsec.fuzz.Mutations;

/**
 * Fuzzing of the RFC 3948 section 2.2 demultiplexing of port 4500 ({@link UdpEncap#classify}):
 * mutated keepalives, marked IKE messages and ESP packets, at any reader offset. The class must
 * follow the RFC's rules exactly and never consume or throw.
 */
@AddLifecycleHook(FuzzBudget.class)
class UdpEncapFuzzTest {

  @Provide
  Arbitrary<Mutations.Input> datagrams() {
    byte[] ike = new byte[4 + 28 + 8];
    ike[4 + 17] = 0x20; // version 2.0 after the marker
    byte[] esp = {0x10, 0, 0, 1, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8};
    return Mutations.of(List.of(new byte[] {(byte) 0xFF}, ike, esp, new byte[8]));
  }

  @Property(tries = 2000, seed = "3948")
  void classifiesEveryDatagramByTheRfcRules(
      @ForAll("datagrams") Mutations.Input in, @ForAll @IntRange(max = 7) int offset) {
    byte[] b = in.bytes();
    ByteBuf buf = Unpooled.buffer(offset + b.length);
    buf.writerIndex(offset).readerIndex(offset);
    buf.writeBytes(b);
    try {
      Kind k = UdpEncap.classify(buf);
      assertEquals(offset, buf.readerIndex(), "classify consumed bytes");
      assertEquals(expected(b), k);
      if (k == Kind.ESP) {
        assertTrue(Integer.compareUnsigned(UdpEncap.spi(buf), 255) > 0);
      }
    } finally {
      buf.release();
    }
  }

  /** RFC 3948 section 2.2: keepalive 0xFF; marker 0 then an IKE header; SPI above 255 then ESP. */
  private static Kind expected(byte[] b) {
    if (b.length == 1) {
      return (b[0] & 0xFF) == 0xFF ? Kind.KEEPALIVE : Kind.MALFORMED;
    }
    if (b.length < 4) {
      return Kind.MALFORMED;
    }
    long first =
        ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
    if (first == 0) {
      return b.length >= 32 ? Kind.IKE : Kind.MALFORMED;
    }
    return first > 255 && b.length >= 8 ? Kind.ESP : Kind.MALFORMED;
  }
}
