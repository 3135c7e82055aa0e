package org.meshsec.tun;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.IoEventLoopGroup;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * How to open a {@link TunDevice}. Build with {@link #builder(String)}; every field has a default
 * except the name.
 *
 * @param name interface name, at most 15 ASCII bytes, no '/', ':' or whitespace; may contain one
 *     {@code %d} for the kernel to fill in (e.g. {@code meshsec%d})
 * @param queues number of queues (fds); more than one sets IFF_MULTI_QUEUE, and the kernel spreads
 *     flows over the queues
 * @param attachExisting if false (default) opening fails with EBUSY when an interface with this
 *     name exists (IFF_TUN_EXCL); if true, attaching to a pre-created persistent TUN device is
 *     allowed (e.g. one made by {@code ip tuntap add mode tun user meshsec}, which needs no
 *     CAP_NET_ADMIN)
 * @param headroom bytes left free in front of each packet read, for outer headers
 * @param tailroom bytes left free after each packet read, for trailers (ESP padding and ICV)
 * @param readBufferSize largest packet a read accepts; 0 (default) means the interface MTU when
 *     {@link TunDevice#start} is called. Larger packets are dropped and counted as truncated.
 * @param batchSize most packets read per handler call
 * @param allocator where read buffers come from; must produce direct buffers (default pooled)
 * @param readerMode how queues are read, see {@link ReaderMode}
 * @param eventLoopGroup an epoll {@link IoEventLoopGroup} to register the queues on (queue {@code
 *     i} on the {@code i}-th {@code next()} loop); null means the device makes its own group with
 *     one loop per queue and shuts it down on close
 * @param devicePath the clone device, {@code /dev/net/tun}
 * @param pollTimeoutMillis how long a {@link ReaderMode#POLL_THREAD} reader blocks in poll(2)
 *     before it checks whether to stop; bounds the time {@link TunDevice#close} waits
 * @param vnetHdr open with IFF_VNET_HDR and turn on the offloads the kernel accepts (TUNSETOFFLOAD,
 *     see {@link TunOffload}): every packet read then starts with a {@link VirtioNetHdr} and may be
 *     a TCP (or UDP) super-packet of up to 64 KB, and every packet written must start with one.
 *     Default false: plain IP packets.
 */
public record TunOptions(
    String name,
    int queues,
    boolean attachExisting,
    int headroom,
    int tailroom,
    int readBufferSize,
    int batchSize,
    ByteBufAllocator allocator,
    ReaderMode readerMode,
    IoEventLoopGroup eventLoopGroup,
    String devicePath,
    int pollTimeoutMillis,
    boolean vnetHdr) {

  public static final int DEFAULT_HEADROOM = 64;
  public static final int DEFAULT_TAILROOM = 64;
  public static final int DEFAULT_BATCH_SIZE = 64;
  public static final String DEFAULT_DEVICE_PATH = "/dev/net/tun";

  public TunOptions {
    validateName(name);
    Objects.requireNonNull(allocator, "allocator");
    Objects.requireNonNull(readerMode, "readerMode");
    Objects.requireNonNull(devicePath, "devicePath");
    requireRange("queues", queues, 1, 256);
    requireRange("headroom", headroom, 0, 4096);
    requireRange("tailroom", tailroom, 0, 4096);
    requireRange("readBufferSize", readBufferSize, 0, 65535);
    requireRange("batchSize", batchSize, 1, 4096);
    requireRange("pollTimeoutMillis", pollTimeoutMillis, 1, 60_000);
    if (readerMode == ReaderMode.POLL_THREAD && eventLoopGroup != null) {
      throw new IllegalArgumentException("eventLoopGroup is only used with EPOLL/AUTO readers");
    }
  }

  /** Options with defaults for interface {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Throws {@link IllegalArgumentException} unless {@code name} is a valid interface name, or a
   * pattern with one {@code %d}.
   */
  static void validateName(String name) {
    Objects.requireNonNull(name, "name");
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    if (bytes.length == 0 || bytes.length >= Native.IFNAMSIZ) {
      throw new IllegalArgumentException(
          "interface name '" + name + "' must be 1 to " + (Native.IFNAMSIZ - 1) + " bytes");
    }
    if (name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException("interface name '" + name + "' is reserved");
    }
    int percent = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c >= 0x7f || c == '/' || c == ':') {
        throw new IllegalArgumentException(
            "interface name '" + name + "' contains an invalid character at index " + i);
      }
      if (c == '%') {
        if (i + 1 >= name.length() || name.charAt(i + 1) != 'd' || ++percent > 1) {
          throw new IllegalArgumentException(
              "interface name '" + name + "': '%' is only allowed once, as %d");
        }
      }
    }
  }

  private static void requireRange(String what, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          what + " must be in [" + min + ", " + max + "], got " + value);
    }
  }

  /** Mutable builder; not thread-safe. */
  public static final class Builder {
    private final String name;
    private int queues = 1;
    private boolean attachExisting;
    private int headroom = DEFAULT_HEADROOM;
    private int tailroom = DEFAULT_TAILROOM;
    private int readBufferSize;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
    private ReaderMode readerMode = ReaderMode.AUTO;
    private IoEventLoopGroup eventLoopGroup;
    private String devicePath = DEFAULT_DEVICE_PATH;
    private int pollTimeoutMillis = 100;
    private boolean vnetHdr;

    private Builder(String name) {
      this.name = name;
    }

    public Builder queues(int queues) {
      this.queues = queues;
      return this;
    }

    public Builder attachExisting(boolean attachExisting) {
      this.attachExisting = attachExisting;
      return this;
    }

    public Builder headroom(int headroom) {
      this.headroom = headroom;
      return this;
    }

    public Builder tailroom(int tailroom) {
      this.tailroom = tailroom;
      return this;
    }

    public Builder readBufferSize(int readBufferSize) {
      this.readBufferSize = readBufferSize;
      return this;
    }

    public Builder batchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    public Builder allocator(ByteBufAllocator allocator) {
      this.allocator = allocator;
      return this;
    }

    public Builder readerMode(ReaderMode readerMode) {
      this.readerMode = readerMode;
      return this;
    }

    public Builder eventLoopGroup(IoEventLoopGroup eventLoopGroup) {
      this.eventLoopGroup = eventLoopGroup;
      return this;
    }

    public Builder devicePath(String devicePath) {
      this.devicePath = devicePath;
      return this;
    }

    public Builder pollTimeoutMillis(int pollTimeoutMillis) {
      this.pollTimeoutMillis = pollTimeoutMillis;
      return this;
    }

    public Builder vnetHdr(boolean vnetHdr) {
      this.vnetHdr = vnetHdr;
      return this;
    }

    public TunOptions build() {
      return new TunOptions(
          name,
          queues,
          attachExisting,
          headroom,
          tailroom,
          readBufferSize,
          batchSize,
          allocator,
          readerMode,
          eventLoopGroup,
          devicePath,
          pollTimeoutMillis,
          vnetHdr);
    }
  }
}
