package org.meshsec.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Fuzz inputs for decoders: valid encodings (the seeds) changed by a short list of mutations (bit
 * flips, interesting byte values, 16- and 32-bit length-field edits relative to the input's length,
 * insertions, deletions, truncation, splices of two seeds), mixed with raw random bytes. Seeding
 * with real encodings lets the inputs get past the first length check and reach the deep parts of a
 * decoder; the edits to 16/32-bit fields make length fields disagree with the data by one, by a
 * lot, or by nothing.
 *
 * <p>Mutations are plain values, so jqwik shrinks a failing input to the fewest mutations of the
 * simplest seed. Positions are taken modulo the input's length, so every mutation applies to every
 * input. Stateless and thread-safe.
 */
public final class Mutations {
  private Mutations() {}

  /** One edit of a byte array; returns a new array (inputs are never modified). */
  public sealed interface Mutation extends UnaryOperator<byte[]> {}

  /** Flips bit {@code bit} of the byte at {@code pos}. */
  public record FlipBit(int pos, int bit) implements Mutation {
    @Override
    public byte[] apply(byte[] b) {
      if (b.length == 0) {
        return b;
      }
      byte[] c = b.clone();
      c[Math.floorMod(pos, c.length)] ^= (byte) (1 << (bit & 7));
      return c;
    }
  }

  /** Sets the byte at {@code pos} to {@code value}. */
  public record SetByte(int pos, byte value) implements Mutation {
    @Override
    public byte[] apply(byte[] b) {
      if (b.length == 0) {
        return b;
      }
      byte[] c = b.clone();
      c[Math.floorMod(pos, c.length)] = value;
      return c;
    }
  }

  /** Where a length-field edit takes its value from. */
  public enum Value {
    ZERO,
    ONE,
    LEN_MINUS_ONE,
    LEN,
    LEN_PLUS_ONE,
    HALF_LEN,
    MAX,
    MAX_SIGNED,
    MIN_SIGNED;

    long of(int len, int bytes) {
      long max = bytes == 2 ? 0xFFFF : 0xFFFF_FFFFL;
      return switch (this) {
        case ZERO -> 0;
        case ONE -> 1;
        case LEN_MINUS_ONE -> len - 1;
        case LEN -> len;
        case LEN_PLUS_ONE -> len + 1;
        case HALF_LEN -> len / 2;
        case MAX -> max;
        case MAX_SIGNED -> max >>> 1;
        case MIN_SIGNED -> (max >>> 1) + 1;
      };
    }
  }

  /** Writes a big-endian field of {@code bytes} (2 or 4) at {@code pos}, as length fields are. */
  public record SetField(int pos, int bytes, Value value) implements Mutation {
    @Override
    public byte[] apply(byte[] b) {
      if (b.length < bytes) {
        return b;
      }
      byte[] c = b.clone();
      int at = Math.floorMod(pos, c.length - bytes + 1);
      long v = value.of(c.length - at, bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        c[at + i] = (byte) v;
        v >>>= 8;
      }
      return c;
    }
  }

  /** Inserts {@code bytes} before {@code pos}. */
  public record Insert(int pos, byte[] bytes) implements Mutation {
    @Override
    public byte[] apply(byte[] b) {
      int at = Math.floorMod(pos, b.length + 1);
      byte[] c = new byte[b.length + bytes.length];
      System.arraycopy(b, 0, c, 0, at);
      System.arraycopy(bytes, 0, c, at, bytes.length);
      System.arraycopy(b, at, c, at + bytes.length, b.length - at);
      return c;
    }

    @Override
    public String toString() {
      return "Insert[pos=" + pos + ", bytes=" + Arrays.toString(bytes) + "]";
    }
  }

  /** Deletes up to {@code count} bytes at {@code pos}. */
  public record Delete(int pos, int count) implements Mutation {
    @Override
    public byte[] apply(byte[] b) {
      if (b.length == 0) {
        return b;
      }
      int at = Math.floorMod(pos, b.length);
      int n = Math.min(b.length - at, count);
      byte[] c = new byte[b.length - n];
      System.arraycopy(b, 0, c, 0, at);
      System.arraycopy(b, at + n, c, at, b.length - at - n);
      return c;
    }
  }

  /** Keeps the first {@code pos mod (length + 1)} bytes. */
  public record Truncate(int pos) implements Mutation {
    @Override
    public byte[] apply(byte[] b) {
      return Arrays.copyOf(b, Math.floorMod(pos, b.length + 1));
    }
  }

  /** Duplicates a slice of the input (a repeated payload, a doubled length). */
  public record Repeat(int pos, int count) implements Mutation {
    @Override
    public byte[] apply(byte[] b) {
      if (b.length == 0) {
        return b;
      }
      int at = Math.floorMod(pos, b.length);
      int n = Math.min(b.length - at, count);
      return new Insert(at, Arrays.copyOfRange(b, at, at + n)).apply(b);
    }
  }

  /** Bytes every field decoder should meet: zero, one, sign bits, all ones. */
  private static final byte[] INTERESTING = {0, 1, 2, 0x7F, (byte) 0x80, (byte) 0xFE, (byte) 0xFF};

  /** Any one mutation. */
  public static Arbitrary<Mutation> mutation() {
    Arbitrary<Integer> pos = Arbitraries.integers().between(0, 1 << 16);
    Arbitrary<Byte> value =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(2, Arbitraries.of(box(INTERESTING))),
            net.jqwik.api.Tuple.of(1, Arbitraries.bytes()));
    return Arbitraries.oneOf(
        Combinators.combine(pos, Arbitraries.integers().between(0, 7)).as(FlipBit::new),
        Combinators.combine(pos, value).as(SetByte::new),
        Combinators.combine(pos, Arbitraries.of(2, 4), Arbitraries.of(Value.class))
            .as(SetField::new),
        Combinators.combine(pos, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(16))
            .as(Insert::new),
        Combinators.combine(pos, Arbitraries.integers().between(1, 32)).as(Delete::new),
        pos.map(Truncate::new),
        Combinators.combine(pos, Arbitraries.integers().between(1, 64)).as(Repeat::new));
  }

  /** A mutated input and how it was made (for the failure report). */
  public record Input(int seed, List<Mutation> mutations, byte[] bytes) {
    @Override
    public String toString() {
      return "seed " + seed + " " + mutations + " -> " + hex(bytes);
    }
  }

  /**
   * Seeds changed by up to {@code maxMutations} mutations each, one time in eight a splice of two
   * seeds, one time in sixteen raw random bytes; {@code fixup} runs last (e.g. to set a header's
   * Length to the datagram's length half of the time, so mutations reach the payload chain).
   */
  public static Arbitrary<Input> of(
      List<byte[]> seeds, int maxMutations, UnaryOperator<byte[]> fixup) {
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("no seeds");
    }
    List<byte[]> corpus = List.copyOf(seeds);
    Arbitrary<Integer> index = Arbitraries.integers().between(0, corpus.size() - 1);
    Arbitrary<List<Mutation>> edits = mutation().list().ofMaxSize(maxMutations);
    Arbitrary<Input> mutated =
        Combinators.combine(index, edits, Arbitraries.of(true, false))
            .as(
                (i, ms, fix) -> {
                  byte[] b = corpus.get(i);
                  for (Mutation m : ms) {
                    b = m.apply(b);
                  }
                  return new Input(i, ms, fix ? fixup.apply(b) : b);
                });
    Arbitrary<Input> spliced =
        Combinators.combine(index, index, Arbitraries.integers(), Arbitraries.integers())
            .as(
                (i, j, cutA, cutB) -> {
                  byte[] a = corpus.get(i);
                  byte[] b = corpus.get(j);
                  int ca = Math.floorMod(cutA, a.length + 1);
                  int cb = Math.floorMod(cutB, b.length + 1);
                  byte[] c = Arrays.copyOf(a, ca + b.length - cb);
                  System.arraycopy(b, cb, c, ca, b.length - cb);
                  return new Input(i, List.of(), fixup.apply(c));
                });
    Arbitrary<Input> raw =
        Arbitraries.bytes()
            .array(byte[].class)
            .ofMaxSize(512)
            .map(b -> new Input(-1, List.of(), b));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(13, mutated),
        net.jqwik.api.Tuple.of(2, spliced),
        net.jqwik.api.Tuple.of(1, raw));
  }

  /** {@link #of(List, int, UnaryOperator)} with up to four mutations and no fixup. */
  public static Arbitrary<Input> of(List<byte[]> seeds) {
    return of(seeds, 4, UnaryOperator.identity());
  }

  /**
   * Text inputs: the seeds changed line by line (a line deleted, doubled or swapped with another, a
   * value replaced by one of {@code tokens}) and then byte by byte as in {@link #of}. Decoded as
   * UTF-8 with replacement, as a reader of a file or a socket would.
   */
  public static Arbitrary<String> text(List<String> seeds, List<String> tokens) {
    List<String> corpus = List.copyOf(seeds);
    Arbitrary<Integer> index = Arbitraries.integers().between(0, corpus.size() - 1);
    Arbitrary<LineEdit> edit =
        Combinators.combine(
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 1 << 12),
                Arbitraries.integers().between(0, 1 << 12),
                Arbitraries.of(tokens))
            .as(LineEdit::new);
    Arbitrary<String> lineEdited =
        Combinators.combine(index, edit.list().ofMaxSize(4))
            .as(
                (i, es) -> {
                  String t = corpus.get(i);
                  for (LineEdit e : es) {
                    t = e.apply(t);
                  }
                  return t;
                });
    // mostly well-formed syntax, so the inputs reach the semantic checks behind the parser
    Arbitrary<List<Mutation>> bytes =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, Arbitraries.just(List.<Mutation>of())),
            net.jqwik.api.Tuple.of(1, mutation().list().ofMinSize(1).ofMaxSize(2)));
    return Combinators.combine(lineEdited, bytes)
        .as(
            (t, ms) -> {
              byte[] b = t.getBytes(StandardCharsets.UTF_8);
              for (Mutation m : ms) {
                b = m.apply(b);
              }
              return new String(b, StandardCharsets.UTF_8);
            });
  }

  /** A line-level edit of a text: 0 delete, 1 duplicate, 2 swap, 3 replace a value. */
  record LineEdit(int op, int line, int other, String token) {
    String apply(String text) {
      List<String> lines = new java.util.ArrayList<>(List.of(text.split("\n", -1)));
      int a = Math.floorMod(line, lines.size());
      int b = Math.floorMod(other, lines.size());
      switch (op) {
        case 0 -> lines.remove(a);
        case 1 -> lines.add(a, lines.get(a));
        case 2 -> {
          String s = lines.get(a);
          lines.set(a, lines.get(b));
          lines.set(b, s);
        }
        default -> {
          String s = lines.get(a);
          int eq = s.indexOf('=');
          lines.set(a, eq < 0 ? token : s.substring(0, eq + 1) + " " + token);
        }
      }
      return String.join("\n", lines);
    }
  }

  private static Byte[] box(byte[] b) {
    Byte[] r = new Byte[b.length];
    for (int i = 0; i < b.length; i++) {
      r[i] = b[i];
    }
    return r;
  }

  /** Lower-case hex, for failure messages. */
  public static String hex(byte[] b) {
    StringBuilder s = new StringBuilder(b.length * 2);
    for (byte x : b) {
      s.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
    }
    return s.toString();
  }
}
