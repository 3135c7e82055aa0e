package org.meshsec.ike.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.meshsec.esp.crypto.CryptoEngines;

/** SKF fragmentation (RFC 7383): fragment, reassemble, reorder, duplicate, bound. */
class FragmentationTest {
  private static final int MTU = 576;

  static Stream<Arguments> ciphers() {
    return SkCipherTest.ciphers();
  }

  /** An IKE_AUTH request with a 3000-byte certificate: does not fit one 576-byte datagram. */
  static Message bigAuth(long messageId) {
    RandomPayloads r = new RandomPayloads(messageId);
    return Message.of(
        IkeHeader.of(
            0x0102030405060708L,
            0x1112131415161718L,
            ExchangeType.IKE_AUTH,
            true,
            false,
            messageId),
        SkPayload.of(
            IdPayload.fqdn(true, "a.example"),
            new CertPayload(CertEncoding.X509_SIGNATURE, r.bytes(3000)),
            new AuthPayload(AuthMethod.SHARED_KEY_MIC, r.bytes(32)),
            r.sa(),
            new TsPayload(true, r.ts().selectors()),
            new TsPayload(false, r.ts().selectors())));
  }

  private static FragmentReassembler.Complete feed(
      FragmentReassembler reassembler, List<byte[]> fragments, SkCipher cipher) {
    FragmentReassembler.Result last = null;
    for (int i = 0; i < fragments.size(); i++) {
      last = reassembler.offer(fragments.get(i), cipher);
      if (i < fragments.size() - 1) {
        FragmentReassembler.Incomplete inc =
            assertInstanceOf(FragmentReassembler.Incomplete.class, last, "fragment " + i);
        assertEquals(i + 1, inc.received());
        assertEquals(fragments.size(), inc.total());
      }
    }
    return assertInstanceOf(FragmentReassembler.Complete.class, last);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ciphers")
  void fragmentAndReassemble(String name, Function<Long, SkCipher> factory) {
    Message m = bigAuth(1);
    List<byte[]> fragments = IkeFragmenter.fragment(m, factory.apply(0L), MTU);
    assertTrue(fragments.size() >= 6, "fragments: " + fragments.size());
    for (int i = 0; i < fragments.size(); i++) {
      byte[] f = fragments.get(i);
      assertTrue(f.length <= MTU, "fragment " + i + " has " + f.length + " bytes");
      Message outer = Message.decode(f).orElseThrow();
      SkfPayload skf = (SkfPayload) outer.payloads().get(0);
      assertEquals(i + 1, skf.fragmentNumber());
      assertEquals(fragments.size(), skf.totalFragments());
      assertEquals(i == 0 ? PayloadType.IDI : PayloadType.NONE, skf.firstPayloadType());
      assertEquals(PayloadType.SKF, outer.header().nextPayload());
      assertEquals(1, outer.header().messageId());
      assertEquals(Bytes.of(f), Bytes.of(outer.encode())); // SKF re-encodes unchanged
    }
    // All but the last fragment are filled to the limit (AEAD) or to the last whole block (CBC).
    assertTrue(fragments.get(0).length > MTU - 16);

    FragmentReassembler reassembler = new FragmentReassembler(64, 64 * 1024);
    Message whole = feed(reassembler, fragments, factory.apply(1L)).message();
    assertEquals(m.encryptedPayload(), whole.encryptedPayload());
    assertEquals(m.header().withWireFields(PayloadType.SK, 0), whole.header());
    assertEquals(java.util.Optional.empty(), ExchangeRules.validate(whole));
    assertEquals(0, reassembler.receivedCount());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ciphers")
  void outOfOrderAndDuplicates(String name, Function<Long, SkCipher> factory) {
    Message m = bigAuth(2);
    List<byte[]> fragments = new ArrayList<>(IkeFragmenter.fragment(m, factory.apply(0L), MTU));
    Collections.shuffle(fragments, new Random(7));
    SkCipher receiver = factory.apply(1L);
    FragmentReassembler reassembler = new FragmentReassembler(64, 64 * 1024);
    FragmentReassembler.Result result = null;
    for (int i = 0; i < fragments.size(); i++) {
      result = reassembler.offer(fragments.get(i), receiver);
      if (i == 2) {
        FragmentReassembler.Dropped dup =
            assertInstanceOf(
                FragmentReassembler.Dropped.class, reassembler.offer(fragments.get(1), receiver));
        assertEquals(IkeParseError.Kind.DUPLICATE_FRAGMENT, dup.reason().kind());
        assertEquals(java.util.Optional.empty(), dup.reason().reply());
        assertEquals(3, reassembler.receivedCount());
      }
    }
    assertEquals(
        m.encryptedPayload(),
        assertInstanceOf(FragmentReassembler.Complete.class, result).message().encryptedPayload());
  }

  @Test
  void tooManyFragments() {
    SkCipher cipher = new AesGcmSkCipher(SkCipherTest.GCM128_KEY_SALT);
    List<byte[]> fragments = IkeFragmenter.fragment(bigAuth(3), cipher, MTU);
    FragmentReassembler reassembler = new FragmentReassembler(fragments.size() - 1, 1 << 20);
    FragmentReassembler.Dropped d =
        assertInstanceOf(
            FragmentReassembler.Dropped.class, reassembler.offer(fragments.get(0), cipher));
    assertEquals(IkeParseError.Kind.TOO_MANY_FRAGMENTS, d.reason().kind());
    assertEquals(0, reassembler.receivedCount());
  }

  @Test
  void reassembledSizeIsBounded() {
    SkCipher cipher = new AesGcmSkCipher(SkCipherTest.GCM128_KEY_SALT);
    List<byte[]> fragments = IkeFragmenter.fragment(bigAuth(4), cipher, MTU);
    FragmentReassembler reassembler = new FragmentReassembler(64, 1200);
    assertInstanceOf(
        FragmentReassembler.Incomplete.class, reassembler.offer(fragments.get(0), cipher));
    assertInstanceOf(
        FragmentReassembler.Incomplete.class, reassembler.offer(fragments.get(1), cipher));
    FragmentReassembler.Dropped d =
        assertInstanceOf(
            FragmentReassembler.Dropped.class, reassembler.offer(fragments.get(2), cipher));
    assertEquals(IkeParseError.Kind.REASSEMBLY_TOO_LARGE, d.reason().kind());
    assertEquals(0, reassembler.receivedCount());
  }

  @Test
  void largerTotalRestartsSmallerIsDropped() {
    SkCipher cipher = new AesGcmSkCipher(SkCipherTest.GCM128_KEY_SALT);
    Message m = bigAuth(5);
    List<byte[]> coarse = IkeFragmenter.fragment(m, cipher, 1280);
    List<byte[]> fine = IkeFragmenter.fragment(m, cipher, MTU);
    assertTrue(fine.size() > coarse.size());
    FragmentReassembler reassembler = new FragmentReassembler(64, 1 << 20);
    reassembler.offer(coarse.get(0), cipher);
    reassembler.offer(coarse.get(1), cipher);
    assertEquals(2, reassembler.receivedCount());
    // The sender re-fragmented for a smaller PMTU: start over with the new fragment.
    assertInstanceOf(FragmentReassembler.Incomplete.class, reassembler.offer(fine.get(3), cipher));
    assertEquals(1, reassembler.receivedCount());
    // A stale coarse fragment no longer fits.
    FragmentReassembler.Dropped d =
        assertInstanceOf(
            FragmentReassembler.Dropped.class, reassembler.offer(coarse.get(2), cipher));
    assertEquals(IkeParseError.Kind.FRAGMENT_MISMATCH, d.reason().kind());
    FragmentReassembler.Result r = null;
    for (int i = 0; i < fine.size(); i++) {
      if (i != 3) {
        r = reassembler.offer(fine.get(i), cipher);
      }
    }
    assertEquals(
        m.encryptedPayload(),
        assertInstanceOf(FragmentReassembler.Complete.class, r).message().encryptedPayload());
  }

  @Test
  void otherMessageAndForgeriesChangeNothing() {
    SkCipher cipher = new AesGcmSkCipher(SkCipherTest.GCM128_KEY_SALT);
    List<byte[]> one = IkeFragmenter.fragment(bigAuth(6), cipher, MTU);
    List<byte[]> two = IkeFragmenter.fragment(bigAuth(7), cipher, MTU);
    FragmentReassembler reassembler = new FragmentReassembler(64, 1 << 20);
    reassembler.offer(one.get(0), cipher);
    FragmentReassembler.Dropped d =
        assertInstanceOf(FragmentReassembler.Dropped.class, reassembler.offer(two.get(1), cipher));
    assertEquals(IkeParseError.Kind.FRAGMENT_MISMATCH, d.reason().kind());

    byte[] forged = one.get(1).clone();
    forged[forged.length - 20] ^= 4;
    d = assertInstanceOf(FragmentReassembler.Dropped.class, reassembler.offer(forged, cipher));
    assertEquals(IkeParseError.Kind.INTEGRITY_CHECK_FAILED, d.reason().kind());

    // A forged larger Total Fragments does not restart the reassembly either.
    byte[] bigger = one.get(1).clone();
    ByteBuffer.wrap(bigger).putShort(IkeHeader.LENGTH + 6, (short) (one.size() + 1));
    d = assertInstanceOf(FragmentReassembler.Dropped.class, reassembler.offer(bigger, cipher));
    assertEquals(IkeParseError.Kind.INTEGRITY_CHECK_FAILED, d.reason().kind());
    assertEquals(1, reassembler.receivedCount());

    d =
        assertInstanceOf(
            FragmentReassembler.Dropped.class,
            reassembler.offer(CapturedMessages.ikeSaInit(), cipher));
    assertEquals(IkeParseError.Kind.INVALID_PAYLOAD, d.reason().kind());

    reassembler.reset();
    assertInstanceOf(FragmentReassembler.Incomplete.class, reassembler.offer(two.get(1), cipher));
  }

  @Test
  void singleDatagramWhenItFits() {
    SkCipher cipher = new AesGcmSkCipher(SkCipherTest.GCM128_KEY_SALT);
    Message small =
        Message.of(
            IkeHeader.of(1, 2, ExchangeType.INFORMATIONAL, true, false, 9),
            SkPayload.of(NotifyPayload.of(NotifyType.INITIAL_CONTACT)));
    List<byte[]> out = IkeFragmenter.encode(small, cipher, MTU, true);
    assertEquals(1, out.size());
    assertEquals(PayloadType.SK.value(), out.get(0)[IkeHeader.OFFSET_NEXT_PAYLOAD]);
    assertEquals(1, IkeFragmenter.encode(bigAuth(8), cipher, MTU, false).size());
    assertTrue(IkeFragmenter.encode(bigAuth(8), cipher, MTU, true).size() > 1);

    // Empty content still makes one fragment.
    List<byte[]> empty =
        IkeFragmenter.fragment(Message.of(small.header(), SkPayload.of()), cipher, MTU);
    assertEquals(1, empty.size());
    assertEquals(
        List.of(),
        assertInstanceOf(
                FragmentReassembler.Complete.class,
                new FragmentReassembler(4, 100).offer(empty.get(0), cipher))
            .message()
            .allPayloads());

    assertThrows(
        IllegalArgumentException.class,
        () -> IkeFragmenter.fragment(bigAuth(9), cipher, IkeHeader.LENGTH + 8 + 8 + 16));
    assertThrows(
        IllegalArgumentException.class,
        () -> IkeFragmenter.fragment(CapturedMessageTestSupport.initMessage(), cipher, MTU));
  }

  /** Fragment sizes at the exact limit for a block cipher: no fragment exceeds it by padding. */
  @Test
  void cbcFragmentsRespectTheLimitForEveryMtu() {
    SkCipher receiver = CapturedMessages.ikeAuthCipher();
    Message m = bigAuth(10);
    for (int mtu = 100; mtu < 116; mtu++) {
      SkCipher sender =
          new AesCbcHmacSkCipher(
              CryptoEngines.jca(),
              CapturedMessages.hex(CapturedMessages.IKE_AUTH_ENCR_KEY_HEX),
              org.meshsec.esp.IntegAlgorithm.HMAC_SHA1_96,
              CapturedMessages.hex(CapturedMessages.IKE_AUTH_INTEG_KEY_HEX),
              12,
              new java.security.SecureRandom());
      List<byte[]> fragments = IkeFragmenter.fragment(m, sender, mtu);
      for (byte[] f : fragments) {
        assertTrue(f.length <= mtu, f.length + " > " + mtu);
      }
      FragmentReassembler reassembler = new FragmentReassembler(0xFFFF, 1 << 20);
      FragmentReassembler.Result r = null;
      for (byte[] f : fragments) {
        r = reassembler.offer(f, receiver);
      }
      assertInstanceOf(FragmentReassembler.Complete.class, r);
    }
    assertEquals(16, receiver.blockSize());
  }
}
