package org.meshsec.lab.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.meshsec.lab.interop.SwanctlConf.Auth;
import org.meshsec.lab.interop.SwanctlConf.Mode;
import org.meshsec.lab.interop.SwanctlConf.StartAction;

/** swanctl.conf rendering; that charon accepts it is shown by {@link StrongSwanInteropTest}. */
class SwanctlConfTest {

  @Test
  void rendersConnectionChildAndPsk() {
    SwanctlConf conf =
        SwanctlConf.builder()
            .connection(
                SwanctlConf.Connection.builder("net")
                    .localAddrs("192.0.2.1")
                    .remoteAddrs("192.0.2.2", "192.0.2.3")
                    .proposals("aes128gcm16-prfsha256-x25519")
                    .local(Auth.PSK, "left")
                    .remote(Auth.PUBKEY, "C=CH, O=x \"y\"")
                    .dpdDelay(Duration.ofSeconds(2))
                    .rekeyTime(Duration.ofMinutes(1))
                    .child(
                        SwanctlConf.Child.builder("c")
                            .mode(Mode.TUNNEL)
                            .localTs("10.0.0.1/32")
                            .remoteTs("10.0.1.0/24", "10.0.2.0/24")
                            .espProposals("aes128gcm16")
                            .startAction(StartAction.TRAP)
                            .lifeTime(Duration.ofSeconds(90))
                            .build())
                    .build())
            .psk("k", "ab".getBytes(StandardCharsets.US_ASCII), "left", "right")
            .build();
    String want =
        """
        # written by the meshsec interop harness
        connections {
          net {
            version = "2"
            local_addrs = "192.0.2.1"
            remote_addrs = "192.0.2.2,192.0.2.3"
            proposals = "aes128gcm16-prfsha256-x25519"
            dpd_delay = "2s"
            rekey_time = "60s"
            local {
              auth = "psk"
              id = "left"
            }
            remote {
              auth = "pubkey"
              id = "C=CH, O=x \\"y\\""
            }
            children {
              c {
                mode = "tunnel"
                local_ts = "10.0.0.1/32"
                remote_ts = "10.0.1.0/24,10.0.2.0/24"
                esp_proposals = "aes128gcm16"
                start_action = "trap"
                life_time = "90s"
              }
            }
          }
        }
        secrets {
          ike-k {
            id-0 = "left"
            id-1 = "right"
            secret = "0x6162"
          }
        }
        """;
    assertEquals(want, conf.render());
  }

  @Test
  void refusesWhatWouldBreakTheFile() {
    assertThrows(IllegalArgumentException.class, () -> SwanctlConf.Connection.builder("a b"));
    assertThrows(IllegalArgumentException.class, () -> SwanctlConf.Child.builder("x{"));
    assertThrows(IllegalArgumentException.class, () -> SwanctlConf.quote("a\nb"));
    assertThrows(IllegalStateException.class, () -> SwanctlConf.Connection.builder("n").build());
    assertThrows(
        IllegalArgumentException.class, () -> SwanctlConf.builder().psk("k", new byte[] {1}));
  }
}
