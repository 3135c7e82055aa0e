package org.meshsec.core.sad;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.meshsec.core.spd.Direction;
import org.meshsec.esp.EspSaParams;
import org.meshsec.esp.EspStatus;
import org.meshsec.esp.OpenResult;

/**
 * A stand-in for the ESP transform: no crypto; answers a scripted status; keeps a copy of the key
 * so tests can see it wiped on close. Not thread-safe (like the real one): the SA serialises it.
 */
final class FakeTransform implements EspTransform {
  final Direction direction;
  final int spi;
  final byte[] key;
  volatile EspStatus next = EspStatus.OK;
  volatile boolean closed;
  int calls;

  FakeTransform(Direction direction, EspSaParams params) {
    this.direction = direction;
    this.spi = params.spi();
    this.key = params.keyMaterial().clone();
  }

  @Override
  public EspStatus seal(ByteBuf buf, int nextHeader) {
    calls++;
    return closed ? EspStatus.CLOSED : next;
  }

  @Override
  public EspStatus open(ByteBuf buf, OpenResult out) {
    calls++;
    return closed ? EspStatus.CLOSED : next;
  }

  @Override
  public void close() {
    Arrays.fill(key, (byte) 0);
    closed = true;
  }

  boolean keyWiped() {
    for (byte b : key) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /** A factory that remembers every transform it made. */
  static final class Factory implements EspTransform.Factory {
    final List<FakeTransform> made = new ArrayList<>();
    volatile boolean fail;

    @Override
    public synchronized EspTransform create(Direction direction, EspSaParams params) {
      if (fail) {
        throw new IllegalArgumentException("engine refused the key");
      }
      FakeTransform t = new FakeTransform(direction, params);
      made.add(t);
      return t;
    }

    synchronized FakeTransform last() {
      return made.get(made.size() - 1);
    }

    synchronized FakeTransform forSpi(int spi) {
      for (int i = made.size() - 1; i >= 0; i--) {
        if (made.get(i).spi == spi) {
          return made.get(i);
        }
      }
      return null;
    }
  }
}
