package org.meshsec.tun;

/**
 * A snapshot of a TUN device's packet counters. "rx" is what the device read from the kernel (the
 * kernel's transmit direction), "tx" what was written into the kernel.
 *
 * @param rxPackets packets read and handed to the handler
 * @param rxBytes bytes of those packets
 * @param rxTruncated packets dropped because they were larger than the read buffer
 * @param rxBatches handler calls (rxPackets / rxBatches is the mean batch size)
 * @param txPackets packets the kernel accepted
 * @param txBytes bytes of those packets
 * @param txWouldBlock packets dropped because the device could not take them (EAGAIN)
 * @param txRejected packets refused as malformed
 * @param txFailed packets dropped for any other error
 */
public record TunStats(
    long rxPackets,
    long rxBytes,
    long rxTruncated,
    long rxBatches,
    long txPackets,
    long txBytes,
    long txWouldBlock,
    long txRejected,
    long txFailed) {}
