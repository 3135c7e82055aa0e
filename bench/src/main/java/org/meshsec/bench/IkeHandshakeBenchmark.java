package org.meshsec.bench;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.sa.HandshakeHarness;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Complete IKE_SA_INIT + IKE_AUTH handshakes (with the first Child SA) per second between two
 * in-process IKEv2 engines, PSK, one thread; with {@code -p version=1}, IKEv1 Main Mode + Quick
 * Mode instead (issue: "complete handshakes per second on one core"). Both sides' work is counted:
 * one operation is two key exchanges, two key derivations, two AUTH computations and verifications,
 * four messages encoded, encrypted, decrypted and decoded. The target is at least 500 per second
 * with Curve25519.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class IkeHandshakeBenchmark {

  @Param({
    "aes128gcm16-prfsha256-x25519",
    "aes128gcm16-prfsha256-ecp256",
    "aes128-sha256-modp3072",
    "aes128-sha256-modp2048"
  })
  public String proposal;

  /**
   * 2: IKE_SA_INIT + IKE_AUTH, 4 messages; 1: Main Mode + Quick Mode (RFC 2409), 9 messages, one
   * key exchange (no PFS). IKEv1 phase 1 has no AEAD: compare the two on an AES-CBC proposal.
   */
  @Param({"2"})
  public int version;

  private HandshakeHarness harness;

  @Setup
  public void setup() {
    harness =
        new HandshakeHarness(
            IkeProposal.parse(proposal), EspProposal.AES128GCM, new SecureRandom(), version);
  }

  @Benchmark
  public HandshakeHarness.Result handshake() {
    return harness.handshake();
  }
}
