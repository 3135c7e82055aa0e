package org.meshsec.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.meshsec.core.config.ConfigErrorsTest.BASE;
import static org.meshsec.core.config.ConfigErrorsTest.K1;
import static org.meshsec.core.config.ConfigErrorsTest.K2;
import static org.meshsec.core.config.ConfigErrorsTest.K3;
import static org.meshsec.core.config.ConfigErrorsTest.SECRETS;
import static org.meshsec.core.config.ConfigFixture.assertError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The secrets file: permissions, format, and key bytes kept out of every message. */
class SecretsTest {
  @TempDir Path dir;
  ConfigFixture f;

  @BeforeEach
  void setUp() {
    f = new ConfigFixture(dir);
  }

  @Test
  void worldReadableSecretsAreRefusedWithModeAndFix() throws IOException {
    f.write(BASE).secrets(SECRETS, "rw-r--r--");
    List<ConfigError> e = f.loadErrors();
    assertEquals(1, e.size(), ConfigFixture.join(e)); // SAs are not blamed for it
    assertEquals(
        f.secrets
            + ": secrets file is accessible by group or others (mode 0644, rw-r--r--); refusing to"
            + " use it: run chmod 600 "
            + f.secrets,
        e.get(0).toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"rw-r-----", "rw----r--", "rw--w----", "rw-----w-", "rwx--x---"})
  void anyGroupOrOtherPermissionIsRefused(String perms) throws IOException {
    f.write(BASE).secrets(SECRETS, perms);
    ConfigError e = f.loadErrors().get(0);
    assertEquals(f.secrets, e.file());
    assertEquals(0, e.line());
    assertTrue(e.reason().contains(perms + "); refusing to use it: run chmod 600"), e.reason());
  }

  /** An unprivileged uid that is neither root nor this process (nobody on Debian). */
  static final int NOBODY = 65534;

  @Test
  void aSecretsFileOwnedByAnotherUserIsRefusedThoughItsModeIs0600() throws IOException {
    f.write(BASE).secrets(SECRETS);
    chownOrSkip(f.secrets, NOBODY);
    List<ConfigError> e = f.loadErrors();
    assertEquals(1, e.size(), ConfigFixture.join(e));
    assertEquals(0, e.get(0).line());
    assertTrue(
        e.get(0).reason().startsWith("secrets file is owned by uid 65534, neither root nor"),
        e.get(0).reason());
    assertTrue(e.get(0).reason().endsWith("run chown root " + f.secrets), e.get(0).reason());
  }

  /**
   * Gives {@code file} to {@code uid}. Only root may; elsewhere the test is skipped, except in CI
   * (CI=true), which runs as root, where not being able to is a failure.
   */
  static void chownOrSkip(Path file, int uid) throws IOException {
    try {
      Files.setAttribute(file, "unix:uid", uid);
    } catch (IOException e) {
      if ("true".equals(System.getenv("CI"))) {
        throw e;
      }
      Assumptions.assumeTrue(false, "chown needs root: " + e);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"rw-------", "r--------"})
  void ownerOnlyIsAccepted(String perms) throws IOException {
    f.write(BASE).secrets(SECRETS, perms);
    assertEquals(3, f.loadOk().sas().size());
  }

  @Test
  void badHexIsReportedWithoutEchoingIt() throws IOException {
    String secrets =
        "[keys]\nk1 = \""
            + K1.substring(1)
            + "\"\nk2 = \""
            + K2.substring(0, 10)
            + "zz"
            + K2.substring(12)
            + "\"\nk3 = 42\nk4 = \"\"\n";
    f.write(BASE).secrets(secrets);
    List<ConfigError> e = f.loadErrors();
    assertError(e, f.secrets, 2, "[keys] k1: key has an odd number of hex digits (39)");
    assertError(
        e, f.secrets, 3, "[keys] k2: key is not a hex string (non-hex character at offset 10)");
    assertError(e, f.secrets, 4, "[keys] k3: must be a hex string, not an integer");
    assertError(e, f.secrets, 5, "[keys] k4: key is empty");
    assertNoKeyBytes(e, K1, K2);
  }

  @Test
  void tomlSyntaxErrorsInSecretsDoNotQuoteTheFile() throws IOException {
    // Unquoted hex: tomlj would say "Unexpected 'c1c2...', expected ..." -- withheld.
    f.write(BASE).secrets("[keys]\nk3 = 0" + K3 + "\nk2 = \"" + K2 + "\" " + K1 + "\n");
    List<ConfigError> e = f.loadErrors();
    assertTrue(e.stream().allMatch(x -> x.file().equals(f.secrets)), ConfigFixture.join(e));
    assertEquals(2, e.get(0).line());
    assertTrue(e.get(0).reason().startsWith("TOML syntax: "), e.get(0).reason());
    assertNoKeyBytes(e, K1, K2, K3);
  }

  @Test
  void redactRemovesQuotedInputAndEscapes() {
    assertEquals(
        "Unexpected input, expected a newline or end-of-input",
        SecretsLoader.redact("Unexpected 'cafebabe', expected a newline or end-of-input"));
    assertEquals("Invalid escape sequence", SecretsLoader.redact("Invalid escape sequence '\\q'"));
    assertEquals(
        "syntax error (details withheld: this file holds keys)",
        SecretsLoader.redact("Something about deadbeef"));
    assertEquals("Integer is too large", SecretsLoader.redact("Integer is too large"));
  }

  @Test
  void secretsStructureIsChecked() throws IOException {
    f.write(BASE).secrets(SECRETS + "\n[extra]\na = 1\n");
    assertError(f.loadErrors(), f.secrets, 6, "unknown key \"extra\" in the secrets file");
    f.secrets("keys = \"" + K1 + "\"\n");
    List<ConfigError> e = f.loadErrors();
    assertError(e, f.secrets, 1, "keys: must be a table: write [keys]");
    assertNoKeyBytes(e, K1);
  }

  @Test
  void noKeyBytesInAnyErrorOfABrokenConfig() throws IOException {
    // wrong lengths, reuse, same bytes under two names, unknown key, suite mismatch
    String config =
        BASE.replace("key = \"k2\"", "key = \"k1\"")
                .replace(
                    "policy = \"gamma\"\nkey = \"k3\"",
                    "policy = \"gamma\"\nkey = \"k3\"\nesp = \"aes128-sha256\"")
            + "\n[[sa]]\nname = \"x\"\nspi = 7777\ndirection = \"in\"\npolicy = \"gamma\"\nkey = \"k5\"\n"
            + "\n[[sa]]\nname = \"y\"\nspi = 7778\ndirection = \"in\"\npolicy = \"gamma\"\nkey = \"k4\"\n"
            + "\n[[sa]]\nname = \"z\"\nspi = 7779\ndirection = \"in\"\npolicy = \"gamma\"\nkey = \"k6\"\n";
    String secrets =
        "[keys]\nk1 = \""
            + K1
            + "\"\nk2 = \""
            + K2
            + "\"\nk3 = \""
            + K3
            + "\"\nk4 = \""
            + K3
            + "\"\nk6 = \""
            + K3
            + "\"\n";
    f.write(config).secrets(secrets);
    List<ConfigError> e = f.loadErrors();
    assertEquals(4, e.size(), ConfigFixture.join(e));
    assertTrue(ConfigFixture.join(e).contains("is 36 bytes, but aes128-sha256 needs 48"));
    assertTrue(ConfigFixture.join(e).contains("key \"k6\" has the same bytes as key \"k4\""));
    assertNoKeyBytes(e, K1, K2, K3);
  }

  @Test
  void wipedKeysCannotBeUsed() throws IOException {
    NodeConfig c = f.write(BASE).secrets(SECRETS).loadOk();
    ManualSa sa = c.sa("beta-out").orElseThrow();
    byte[] k = sa.toEspSaParams().keyMaterial();
    assertEquals(0x00, k[0]);
    assertEquals(0x04, k[19]);
    c.wipeKeys();
    assertTrue(sa.key().isWiped());
    assertThrows(IllegalStateException.class, sa::toEspSaParams);
  }

  /** No 8-hex-digit piece of any key appears in any error, in either case. */
  static void assertNoKeyBytes(List<ConfigError> errors, String... keys) {
    String all = ConfigFixture.join(errors).toLowerCase();
    for (String k : keys) {
      String hex = k.toLowerCase();
      for (int i = 0; i + 8 <= hex.length(); i += 2) {
        assertFalse(all.contains(hex.substring(i, i + 8)), "key bytes leaked:\n" + all);
      }
    }
  }
}
