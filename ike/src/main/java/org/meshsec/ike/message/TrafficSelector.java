package org.meshsec.ike.message;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One traffic selector inside a TS payload (RFC 7296 section 3.13.1): an {@link AddressRange} for
 * TS_IPV4_ADDR_RANGE and TS_IPV6_ADDR_RANGE, or an {@link Opaque} selector of another type, kept as
 * bytes (the policy code answers TS_UNACCEPTABLE if it needs it).
 */
public sealed interface TrafficSelector {

  /** The TS type. */
  TsType tsType();

  /** Encoded length including the 4-byte selector header. */
  int encodedLength();

  /** Writes the whole selector, header included. */
  void encode(ByteBuffer out);

  /**
   * An address range selector.
   *
   * <pre>
   *                      1                   2                   3
   *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * |   TS Type     |IP Protocol ID*|       Selector Length         |
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * |           Start Port*         |           End Port*           |
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * ~                         Starting Address*                     ~
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * ~                         Ending Address*                       ~
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * </pre>
   *
   * IP protocol 0 means any; ports 0..65535 mean any port; start port 65535 with end port 0 is
   * OPAQUE (RFC 4301). Addresses are kept as raw bytes so an IPv4-mapped IPv6 address round-trips
   * as IPv6.
   */
  record AddressRange(
      TsType tsType,
      int ipProtocol,
      int startPort,
      int endPort,
      Bytes startAddress,
      Bytes endAddress)
      implements TrafficSelector {
    public AddressRange {
      Objects.requireNonNull(tsType, "tsType");
      Objects.requireNonNull(startAddress, "startAddress");
      Objects.requireNonNull(endAddress, "endAddress");
      if (!tsType.isAddressRange()) {
        throw new IllegalArgumentException(tsType + " is not an address range type");
      }
      Wire.requireRange("IP protocol", ipProtocol, 0, 255);
      Wire.requireRange("start port", startPort, 0, 0xFFFF);
      Wire.requireRange("end port", endPort, 0, 0xFFFF);
      if (startAddress.length() != tsType.addressLength()
          || endAddress.length() != tsType.addressLength()) {
        throw new IllegalArgumentException(tsType + " addresses must be " + tsType.addressLength());
      }
    }

    /** A range from {@code start} to {@code end} (same family), any protocol and port. */
    public static AddressRange of(InetAddress start, InetAddress end) {
      return of(start, end, 0, 0, 0xFFFF);
    }

    /** A range with protocol and ports. */
    public static AddressRange of(
        InetAddress start, InetAddress end, int ipProtocol, int startPort, int endPort) {
      byte[] s = start.getAddress();
      byte[] e = end.getAddress();
      TsType type = s.length == 4 ? TsType.IPV4_ADDR_RANGE : TsType.IPV6_ADDR_RANGE;
      return new AddressRange(type, ipProtocol, startPort, endPort, Bytes.wrap(s), Bytes.wrap(e));
    }

    public InetAddress startInetAddress() {
      return toInet(startAddress);
    }

    public InetAddress endInetAddress() {
      return toInet(endAddress);
    }

    private static InetAddress toInet(Bytes b) {
      try {
        return InetAddress.getByAddress(b.toByteArray());
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e); // cannot happen: length checked
      }
    }

    @Override
    public int encodedLength() {
      return 8 + 2 * tsType.addressLength();
    }

    @Override
    public void encode(ByteBuffer out) {
      Wire.putU8(out, tsType.value());
      Wire.putU8(out, ipProtocol);
      Wire.putU16(out, encodedLength());
      Wire.putU16(out, startPort);
      Wire.putU16(out, endPort);
      startAddress.writeTo(out);
      endAddress.writeTo(out);
    }
  }

  /** A selector of a type other than the two address ranges: type, protocol byte and body. */
  record Opaque(TsType tsType, int secondOctet, Bytes body) implements TrafficSelector {
    public Opaque {
      Objects.requireNonNull(tsType, "tsType");
      Objects.requireNonNull(body, "body");
      if (tsType.isAddressRange()) {
        throw new IllegalArgumentException("use AddressRange for " + tsType);
      }
      Wire.requireRange("second octet", secondOctet, 0, 255);
      Wire.requireRange("selector body", body.length(), 0, 0xFFFF - 4);
    }

    @Override
    public int encodedLength() {
      return 4 + body.length();
    }

    @Override
    public void encode(ByteBuffer out) {
      Wire.putU8(out, tsType.value());
      Wire.putU8(out, secondOctet);
      Wire.putU16(out, encodedLength());
      body.writeTo(out);
    }
  }
}
