package org.meshsec.bench;

import io.netty.util.internal.PlatformDependent;

/**
 * Checks that a benchmark's JVM gives Netty the buffers the daemon has. Netty 4.2 stops using
 * {@code sun.misc.Unsafe} on JDK 25 and later unless the JVM runs with {@code
 * --sun-misc-unsafe-memory-access=allow}, which {@code bin/meshsec} passes on JDK 23 and later:
 * without it, pooled direct buffers are {@code PooledDirectByteBuf}s whose copies between buffers
 * go through a {@code ByteBuffer} slice or duplicate each (measured: 127 KB allocated per
 * super-packet in {@link DataPathBenchmark} against 103 KB with the flag), so the figures would not
 * be the daemon's. bench/run.sh passes the flag; an ad hoc run on JDK 25 needs {@code
 * -jvmArgsAppend "--sun-misc-unsafe-memory-access=allow"}, or {@code -Dmeshsec.bench.noUnsafe=ok}
 * in the same option to measure the mode without Unsafe on purpose.
 *
 * <p>Stateless and thread-safe.
 */
final class DaemonBuffers {
  private DaemonBuffers() {}

  /** Throws, with the option to add, when Netty runs without Unsafe and nobody asked for that. */
  static void require() {
    if (!PlatformDependent.hasUnsafe()
        && !"ok".equals(System.getProperty("meshsec.bench.noUnsafe"))) {
      throw new IllegalStateException(
          "Netty runs without sun.misc.Unsafe in this JVM, unlike the daemon: add -jvmArgsAppend"
              + " \"--sun-misc-unsafe-memory-access=allow\" (JDK 23 and later; bench/run.sh does),"
              + " or -Dmeshsec.bench.noUnsafe=ok to measure that mode on purpose");
    }
  }
}
