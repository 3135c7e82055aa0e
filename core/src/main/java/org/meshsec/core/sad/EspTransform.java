package org.meshsec.core.sad;

import io.netty.buffer.ByteBuf;
import org.meshsec.core.spd.Direction;
import org.meshsec.esp.CryptoEngine;
import org.meshsec.esp.EspContext;
import org.meshsec.esp.EspSaParams;
import org.meshsec.esp.EspStatus;
import org.meshsec.esp.OpenResult;
import org.meshsec.esp.crypto.CryptoEngines;

/**
 * The ESP transform of one SA as the SAD sees it: the three {@link EspContext} operations it uses.
 * It is a seam so that the SAD can be tested without real crypto; production uses {@link
 * #of(EspContext)} through {@link Factory#esp()}.
 *
 * <p>Not thread-safe, like {@link EspContext}: {@link SecurityAssociation} calls it only under the
 * SA's lock.
 */
public interface EspTransform extends AutoCloseable {

  /** {@link EspContext#seal}. */
  EspStatus seal(ByteBuf buf, int nextHeader);

  /** {@link EspContext#open}. */
  EspStatus open(ByteBuf buf, OpenResult out);

  /**
   * {@link EspContext#openCheck}. The default (a transform that cannot open in steps) accepts
   * everything and leaves the whole work to {@link #openCrypto}.
   */
  default EspStatus openCheck(ByteBuf buf, OpenResult out) {
    return EspStatus.OK;
  }

  /** {@link EspContext#openCrypto}; the default opens the packet whole ({@link #open}). */
  default EspStatus openCrypto(ByteBuf buf, OpenResult out) {
    return open(buf, out);
  }

  /** {@link EspContext#openCommit}; the default accepts every packet. */
  default boolean openCommit(long sequence) {
    return true;
  }

  /**
   * The sequence state a hot restart carries over ({@link EspContext#sequenceState}); 0 for a
   * transform that has none.
   */
  default long sequenceState() {
    return 0;
  }

  /** Wipes the keys ({@link EspContext#close}); idempotent. */
  @Override
  void close();

  /** Adapts an {@link EspContext}. */
  static EspTransform of(EspContext context) {
    return new EspTransform() {
      @Override
      public EspStatus seal(ByteBuf buf, int nextHeader) {
        return context.seal(buf, nextHeader);
      }

      @Override
      public EspStatus open(ByteBuf buf, OpenResult out) {
        return context.open(buf, out);
      }

      @Override
      public EspStatus openCheck(ByteBuf buf, OpenResult out) {
        return context.openCheck(buf, out);
      }

      @Override
      public EspStatus openCrypto(ByteBuf buf, OpenResult out) {
        return context.openCrypto(buf, out);
      }

      @Override
      public boolean openCommit(long sequence) {
        return context.openCommit(sequence);
      }

      @Override
      public long sequenceState() {
        return context.sequenceState();
      }

      @Override
      public void close() {
        context.close();
      }
    };
  }

  /** Builds the transform for an SA when it gets its keys. Must be thread-safe. */
  @FunctionalInterface
  interface Factory {
    /**
     * Creates the transform for {@code direction}. The key array in {@code params} belongs to the
     * caller: copy it, do not keep it. May throw on a bad key (the SAD answers TRANSFORM_FAILED).
     */
    EspTransform create(Direction direction, EspSaParams params);

    /**
     * Creates the transform of an SA carried over from an earlier process: outbound, the next
     * packet carries {@code sequence + 1}; inbound, everything up to {@code sequence} counts as
     * received. A factory that cannot resume refuses (the SAD answers TRANSFORM_FAILED).
     */
    default EspTransform resume(Direction direction, EspSaParams params, long sequence) {
      throw new UnsupportedOperationException("this transform factory cannot resume an SA");
    }

    /**
     * The real one: {@link EspContext#outbound} / {@link EspContext#inbound} with {@link
     * CryptoEngine#preferred} for the suite.
     */
    static Factory esp() {
      return new Factory() {
        @Override
        public EspTransform create(Direction direction, EspSaParams params) {
          CryptoEngine engine = CryptoEngines.preferred(params.suite());
          return of(
              direction == Direction.OUT
                  ? EspContext.outbound(params, engine)
                  : EspContext.inbound(params, engine));
        }

        @Override
        public EspTransform resume(Direction direction, EspSaParams params, long sequence) {
          CryptoEngine engine = CryptoEngines.preferred(params.suite());
          return of(
              direction == Direction.OUT
                  ? EspContext.outboundResuming(params, engine, sequence)
                  : EspContext.inboundResuming(params, engine, sequence));
        }
      };
    }
  }
}
