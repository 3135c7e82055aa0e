package org.meshsec.esp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;

/** Test helper: the buffer shapes {@link EspContext} must handle. Callers release what they get. */
public enum Bufs {
  HEAP,
  DIRECT,
  POOLED_HEAP,
  POOLED_DIRECT,
  /** Two components, split inside the payload: exercises the copy path. */
  COMPOSITE;

  /** A buffer whose readable bytes are {@code data}, with exactly the given head- and tailroom. */
  public ByteBuf with(byte[] data, int headroom, int tailroom) {
    int cap = headroom + data.length + tailroom;
    ByteBuf b =
        switch (this) {
          case HEAP -> Unpooled.buffer(cap, cap);
          case DIRECT -> Unpooled.directBuffer(cap, cap);
          case POOLED_HEAP -> PooledByteBufAllocator.DEFAULT.heapBuffer(cap, cap);
          case POOLED_DIRECT -> PooledByteBufAllocator.DEFAULT.directBuffer(cap, cap);
          case COMPOSITE -> composite(cap, headroom + data.length / 2);
        };
    b.setIndex(headroom, headroom);
    b.writeBytes(data);
    return b;
  }

  private static ByteBuf composite(int cap, int split) {
    CompositeByteBuf c = Unpooled.compositeBuffer();
    c.addComponents(
        true,
        Unpooled.buffer(split).writeZero(split),
        Unpooled.directBuffer(cap - split).writeZero(cap - split));
    c.capacity(cap);
    return c;
  }

  /** Copies the readable bytes. */
  public static byte[] readable(ByteBuf b) {
    byte[] out = new byte[b.readableBytes()];
    b.getBytes(b.readerIndex(), out);
    return out;
  }
}
