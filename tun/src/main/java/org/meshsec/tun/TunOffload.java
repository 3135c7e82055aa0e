package org.meshsec.tun;

/**
 * The TUN offloads meshsec asks for with ioctl(TUNSETOFFLOAD) when a device is opened with {@link
 * TunOptions#vnetHdr()} ({@code TUN_F_*} in {@code <linux/if_tun.h>}). Each one the kernel accepts
 * lets it hand over packets that still need that work done in user space: a partial checksum
 * ({@link #CSUM}), a TCP super-packet to segment ({@link #TSO4}, {@link #TSO6}), a UDP super-packet
 * to segment ({@link #USO4}, {@link #USO6}, Linux 6.2 and later); and lets user space write such
 * packets back.
 */
public enum TunOffload {
  /** TUN_F_CSUM: checksum left partial (VIRTIO_NET_HDR_F_NEEDS_CSUM). Required by all others. */
  CSUM(Native.TUN_F_CSUM),
  /** TUN_F_TSO4: TCP over IPv4 super-packets (VIRTIO_NET_HDR_GSO_TCPV4). */
  TSO4(Native.TUN_F_TSO4),
  /** TUN_F_TSO6: TCP over IPv6 super-packets (VIRTIO_NET_HDR_GSO_TCPV6). */
  TSO6(Native.TUN_F_TSO6),
  /** TUN_F_USO4: UDP over IPv4 super-packets (VIRTIO_NET_HDR_GSO_UDP_L4). */
  USO4(Native.TUN_F_USO4),
  /** TUN_F_USO6: UDP over IPv6 super-packets (VIRTIO_NET_HDR_GSO_UDP_L4). */
  USO6(Native.TUN_F_USO6);

  private final int flag;

  TunOffload(int flag) {
    this.flag = flag;
  }

  /** The TUN_F_* bit. */
  public int flag() {
    return flag;
  }
}
