package org.meshsec.ike.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;
import org.meshsec.fuzz.FuzzBudget;
import org.meshsec.fuzz.Mutations;

/**
 * Fuzzing of IKE fragment reassembly (RFC 7383 section 2.6, {@link FragmentReassembler}): one
 * reassembler is offered a run of fragments of two messages, mutated (fragment numbers, totals,
 * Message IDs, lengths, the content behind the transparent cipher) or not, in any order; it never
 * throws, and whatever it completes is a message that re-encodes. The second property: the
 * fragments of a generated message, shuffled and with duplicates, reassemble to that message.
 */
@AddLifecycleHook(FuzzBudget.class)
class IkeFragmentFuzzTest {
  private static final SkCipher CLEAR = new TransparentSkCipher();

  private static List<byte[]> fragments(long messageId, int mtu) {
    return IkeFragmenter.fragment(FragmentationTest.bigAuth(messageId), CLEAR, mtu);
  }

  @Provide
  Arbitrary<List<Mutations.Input>> runs() {
    List<byte[]> seeds = new ArrayList<>(fragments(1, 800));
    seeds.addAll(fragments(2, 1200));
    return Mutations.of(seeds, 2, IkeMessageFuzzTest::repairLength)
        .list()
        .ofMinSize(1)
        .ofMaxSize(12);
  }

  @Property(tries = 1500, seed = "7383")
  void anyRunOfFragmentsIsHandled(@ForAll("runs") List<Mutations.Input> run) {
    FragmentReassembler reassembler = new FragmentReassembler(8, 16 * 1024);
    for (Mutations.Input in : run) {
      FragmentReassembler.Result r = reassembler.offer(in.bytes(), CLEAR);
      if (r instanceof FragmentReassembler.Complete c) {
        Message m = c.message();
        ExchangeRules.validate(m);
        IkeMessageFuzzTest.assertSameMessage(
            m, Message.decode(m.encode(CLEAR), CLEAR).orElseThrow());
        reassembler.reset();
      }
      Statistics.collect(
          r instanceof FragmentReassembler.Dropped d
              ? d.reason().kind().name()
              : r.getClass().getSimpleName());
    }
  }

  @Property(tries = 200, seed = "7384")
  void shuffledFragmentsWithDuplicatesReassemble(
      @ForAll long shuffle, @ForAll @IntRange(min = 300, max = 1500) int mtu) {
    Message original = FragmentationTest.bigAuth(shuffle & 0xFFFF);
    List<byte[]> parts = new ArrayList<>(IkeFragmenter.fragment(original, CLEAR, mtu));
    Random random = new Random(shuffle);
    int duplicates = random.nextInt(3);
    for (int i = 0; i < duplicates; i++) {
      parts.add(parts.get(random.nextInt(parts.size())));
    }
    Collections.shuffle(parts, random);
    FragmentReassembler reassembler = new FragmentReassembler(64, 64 * 1024);
    FragmentReassembler.Result last = null;
    for (byte[] p : parts) {
      FragmentReassembler.Result r = reassembler.offer(p, CLEAR);
      if (r instanceof FragmentReassembler.Complete) {
        last = r;
        break;
      }
    }
    FragmentReassembler.Complete done = assertInstanceOf(FragmentReassembler.Complete.class, last);
    assertEquals(original.allPayloads(), done.message().allPayloads());
    assertEquals(original.header().messageId(), done.message().header().messageId(), "Message ID");
  }

  @Provide
  Arbitrary<Long> anyLong() {
    return Arbitraries.longs();
  }
}
