package org.meshsec.ike.sa;

import java.time.Instant;
import java.util.List;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.ike.port.TsRange;

/**
 * A snapshot of one Child SA pair for {@code IkeEngine.list()} and the CLI. Immutable.
 *
 * @param name the Child SA configuration name
 * @param state lifecycle state when the snapshot was taken
 * @param inboundSpi our SPI
 * @param outboundSpi the peer's SPI
 * @param suite the ESP suite
 * @param esn whether ESN is used
 * @param mode transport or tunnel
 * @param localTs our side's selectors
 * @param remoteTs the peer side's selectors
 * @param installed when the pair was installed
 * @param rekeyAt when it will be rekeyed, null if never
 * @param weInitiated whether we initiated the exchange that created it
 */
public record ChildSaInfo(
    String name,
    ChildSaState state,
    int inboundSpi,
    int outboundSpi,
    EspSuite suite,
    boolean esn,
    IpsecMode mode,
    List<TsRange> localTs,
    List<TsRange> remoteTs,
    Instant installed,
    Instant rekeyAt,
    boolean weInitiated) {}
