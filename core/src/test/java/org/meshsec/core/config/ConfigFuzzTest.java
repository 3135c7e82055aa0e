package org.meshsec.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;
import org.meshsec.fuzz.FuzzBudget;
import org.meshsec.fuzz.Mutations;

/**
 * Fuzzing of the configuration loader ({@link ConfigLoader#load}: TOML syntax, then every section
 * of docs/configuration.md, then the secrets file): the documentation's examples, edited line by
 * line (lines deleted, doubled, swapped, values replaced by absurd ones: negative, huge,
 * fractional, wrong type, empty, overlong, bad addresses, prefixes and durations) and then byte by
 * byte. Every text gives a {@link ConfigResult}, never an exception, and an invalid one names at
 * least one error with a file and a reason.
 */
@AddLifecycleHook(FuzzBudget.class)
class ConfigFuzzTest {
  private static final Path DIR;

  static {
    try {
      DIR = Files.createTempDirectory("meshsec-config-fuzz");
      DIR.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final List<String> TOKENS =
      List.of(
          "-1",
          "0",
          "65536",
          "9223372036854775807",
          "1e300",
          "nan",
          "inf",
          "1.5",
          "true",
          "\"\"",
          "\"x\"",
          "\"" + "a".repeat(5000) + "\"",
          "[]",
          "[1, \"a\"]",
          "{}",
          "{ a = 1 }",
          "\"10.0.0.1/33\"",
          "\"::ffff:10.0.0.1/129\"",
          "\"fd00::1/-1\"",
          "\"256.0.0.1\"",
          "\"1.2.3.4:99999\"",
          "\"-5s\"",
          "\"99999999999999999999h\"",
          "\"1e9d\"",
          "\"10x\"",
          "\"aes128gcm16-prfsha256-x25519\"",
          "\"aes999\"",
          "\"\\u0000\"",
          "1979-05-27T07:32:00Z",
          "\"0x\"");

  static List<String> seeds(String... names) {
    try {
      List<String> out = new java.util.ArrayList<>();
      for (String n : names) {
        out.add(DocsExampleTest.docExample(n));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Provide
  Arbitrary<String> configs() {
    return Mutations.text(seeds("full-config", "minimal-config", "ike-config"), TOKENS);
  }

  @Provide
  Arbitrary<String> secrets() {
    return Mutations.text(seeds("full-secrets", "minimal-secrets", "ike-secrets"), TOKENS);
  }

  @Property(tries = 300, seed = "2026")
  void everyConfigurationLoadsToAResult(
      @ForAll("configs") String config, @ForAll("secrets") String secrets) throws IOException {
    Path configFile = DIR.resolve("meshsec.toml");
    Files.writeString(configFile, config);
    Path secretsFile = DIR.resolve("secrets.toml");
    Files.writeString(secretsFile, secrets);
    Files.setPosixFilePermissions(secretsFile, PosixFilePermissions.fromString("rw-------"));
    ConfigResult r = ConfigLoader.load(configFile);
    assertNotNull(r);
    if (r.isOk()) {
      assertNotNull(r.config());
      ReloadPlan.of(r.config(), r.config());
      r.config().toString();
      Statistics.collect("valid");
    } else {
      assertFalse(r.errors().isEmpty());
      for (ConfigError e : r.errors()) {
        assertNotNull(e.file());
        assertTrue(e.line() >= 0);
        assertFalse(e.reason().isBlank());
      }
      Statistics.collect(
          r.errors().get(0).reason().startsWith("TOML syntax") ? "TOML syntax error" : "invalid");
    }
    assertEquals(r.isOk(), r.errors().isEmpty());
  }
}
