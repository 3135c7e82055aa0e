package org.meshsec.lab.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.meshsec.tun.exec.Background;
import org.meshsec.tun.exec.Commands;
import org.meshsec.tun.exec.ExecResult;
import org.meshsec.tun.exec.Processes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One strongSwan IKE daemon (charon, Debian packages) running in a network namespace beside other
 * daemons, with strongSwan's userspace ESP (the kernel-libipsec plugin: ESP in UDP/4500 through a
 * TUN device named {@code ipsec0}), so interop tests need no kernel ESP/XFRM. Everything it writes
 * lives in one directory of the test's own; nothing under /etc or /run of the host is touched.
 *
 * <pre>{@code
 * SwanctlConf conf = SwanctlConf.builder().connection(...).psk("k", psk, "192.0.2.1", "192.0.2.2").build();
 * try (Charon c = Charon.builder(ns.name(), dir).config(conf).logKeys().start()) {
 *   c.loadAll();                       // swanctl --load-all: conns, secrets, certs
 *   c.initiate("child");               // or start_action = start in the config
 *   Charon.IkeSa sa = c.awaitEstablished("conn", "child", Duration.ofSeconds(10));
 *   c.kill();                          // SIGKILL, e.g. to make the peer's DPD fire
 * }
 * }</pre>
 *
 * <h2>What is non-obvious (found on Debian 12, strongSwan 5.9.8, kernel without ESP)</h2>
 *
 * <ul>
 *   <li><b>Packages</b>: strongswan-charon, strongswan-swanctl, libstrongswan-standard-plugins
 *       (gcm, openssl; only a Recommends of charon), libcharon-extra-plugins (kernel-libipsec). The
 *       daemon is {@code /usr/lib/ipsec/charon} on Debian ({@code /usr/libexec/ipsec/charon} on
 *       other distributions; {@link #findBinary()} tries both), plugins next to it in {@code
 *       plugins/}.
 *   <li><b>Own config</b>: the environment variable {@code STRONGSWAN_CONF} points charon and
 *       swanctl at our strongswan.conf; {@code SWANCTL_DIR} points swanctl at our swanctl.conf and
 *       credential directories (x509, x509ca, private, ...; all are created, else swanctl warns
 *       about each missing one). {@code charon.plugins.vici.socket} moves the control socket into
 *       the test directory; swanctl then needs {@code --uri unix://...} placed <em>after</em> its
 *       sub-command ({@code swanctl --load-all --uri ...}), which {@link #swanctl} does.
 *   <li><b>Pid file</b>: {@code /var/run/charon.pid} is compiled in, and a second charon refuses to
 *       start while it exists. So charon runs in a private mount namespace ({@code unshare -m
 *       --propagation private}) with the test directory's {@code run/} bind-mounted on /run. The
 *       exec chain {@code ip netns exec -> unshare -> sh -> exec charon} keeps one pid, so the
 *       started process is charon itself and {@link #kill()} signals charon, not a wrapper.
 *   <li><b>Plugins</b>: {@code charon.load_modular = no} and an explicit {@code charon.load} list.
 *       <b>kernel-libipsec must come before kernel-netlink</b>: otherwise kernel-netlink claims the
 *       IPsec backend, installing SAs fails with ENOSYS on a kernel without XFRM ESP, and the
 *       initiator sees only NO_PROPOSAL_CHOSEN. Debian has no curve25519 plugin: x25519 comes from
 *       the openssl plugin.
 *   <li><b>Always UDP-encapsulated</b>: with kernel-libipsec charon requires UDP encapsulation, so
 *       it fakes its NAT_DETECTION_SOURCE_IP hash; its peer concludes "remote host is behind NAT",
 *       both sides float to port 4500 for IKE_AUTH, and ESP is ESP-in-UDP on 4500 even without any
 *       NAT. {@code swanctl --list-sas} shows the child as {@code TUNNEL-in-UDP}; vici shows {@code
 *       nat-remote=yes nat-any=yes encap=yes}. strongSwan then sends NAT keepalives (one 0xFF byte
 *       on 4500) every 20 s.
 *   <li><b>Tunnel mode only</b>: libipsec refuses transport mode ("IPsec SA: unsupported mode" when
 *       the SA is installed), so a transport-mode child fails with NO_PROPOSAL_CHOSEN from the
 *       responder after IKE_AUTH established the IKE SA. Host-to-host tests use tunnel mode between
 *       /32 addresses on the loopback.
 *   <li><b>Routing</b>: for each child charon adds a route for the remote traffic selector via
 *       {@code ipsec0} in table 220 (with a rule {@code from all lookup 220}) and the local
 *       selector's address as source, so plain {@code ping 10.0.1.1} uses the tunnel; the local /32
 *       must be configured on an interface (the loopback is fine) before the child is set up. The
 *       TUN MTU is 1400.
 *   <li><b>Timing</b> (shared 2-core VM): charon answers on its vici socket 20-70 ms after start
 *       (up to ~300 ms under load); IKE_SA_INIT plus IKE_AUTH take about 10 ms in charon's log
 *       (PSK, x25519 or MODP-3072), and {@link #awaitEstablished} sees both sides up about 100 ms
 *       after {@code loadAll()}; a swanctl call takes about 20 ms. With {@code dpd_delay = 1s},
 *       {@code retransmit_timeout = 0.5} and {@code retransmit_tries = 2} a SIGKILLed peer's SAs
 *       are cleared after about 4 s (the defaults, 4 s and 5 tries, take minutes).
 *   <li><b>Logging</b>: one filelog to {@code charon.log} with {@code time_add_ms} and {@code
 *       ike_name}; levels per subsystem ({@link Builder#logLevel}). Nothing goes to syslog.
 *       <b>{@code ike 4} and {@code chd 4} log secrets</b>: the DH shared secret, SKEYSEED,
 *       SK_d/SK_ei/SK_er/SK_ai/SK_ar/SK_pi/SK_pr, the child KEYMAT seed and ESP keys ({@link
 *       Builder#logKeys()}); {@code net 4} dumps every packet and {@code enc 4} every generated and
 *       parsed payload field, including decrypted IKE_AUTH content. Use these for interop debugging
 *       and recorded test vectors only, with throwaway keys.
 *   <li>No AppArmor on this machine; where Debian's charon profile is enforced it would block
 *       reading a config under /tmp.
 * </ul>
 *
 * <p>Thread-safety: the query methods may be called from any thread; {@link #close()} and {@link
 * #kill()} are idempotent. Each call opens its own vici connection.
 */
public final class Charon implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Charon.class);

  /** Debian's and others' locations of the daemon, tried in order. */
  static final List<Path> BINARY_CANDIDATES =
      List.of(
          Path.of("/usr/lib/ipsec/charon"),
          Path.of("/usr/libexec/ipsec/charon"),
          Path.of("/usr/lib/strongswan/charon"),
          Path.of("/usr/libexec/strongswan/charon"));

  /**
   * Plugins charon loads, in order. kernel-libipsec before kernel-netlink (see the class comment);
   * openssl supplies x25519 and MODP, gcm the AEAD wrapper, kdf the IKEv2 prf+.
   */
  public static final List<String> PLUGINS =
      List.of(
          "random",
          "nonce",
          "openssl",
          "pem",
          "pkcs1",
          "pkcs8",
          "x509",
          "pubkey",
          "revocation",
          "constraints",
          "aes",
          "sha1",
          "sha2",
          "hmac",
          "gcm",
          "kdf",
          "gmp",
          "kernel-libipsec",
          "kernel-netlink",
          "socket-default",
          "vici");

  /** swanctl's credential directories under SWANCTL_DIR (5.9). */
  private static final List<String> SWANCTL_SUBDIRS =
      List.of(
          "x509",
          "x509ca",
          "x509ocsp",
          "x509aa",
          "x509ac",
          "x509crl",
          "pubkey",
          "private",
          "rsa",
          "ecdsa",
          "bliss",
          "pkcs8",
          "pkcs12");

  private static final int MAX_UNIX_PATH = 107;

  private final String netns;
  private final Path dir;
  private final Path binary;
  private final Background process;
  private final Path vici;
  private volatile boolean closed;

  private Charon(String netns, Path dir, Path binary, Background process) {
    this.netns = netns;
    this.dir = dir;
    this.binary = binary;
    this.process = process;
    this.vici = dir.resolve("charon.vici");
  }

  /**
   * Starts configuring a charon for network namespace {@code netns} whose files live in {@code dir}
   * (created if missing; must be short enough for a Unix socket path, under ~90 bytes).
   */
  public static Builder builder(String netns, Path dir) {
    return new Builder(netns, dir);
  }

  /** The charon binary of this machine, if strongSwan is installed. */
  public static Optional<Path> findBinary() {
    return BINARY_CANDIDATES.stream().filter(Files::isExecutable).findFirst();
  }

  /** Configures and starts one charon. Not thread-safe. */
  public static final class Builder {
    private final String netns;
    private final Path dir;
    private final Map<String, Integer> logLevels = new LinkedHashMap<>();
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final List<Credential> credentials = new ArrayList<>();
    private SwanctlConf config = SwanctlConf.builder().build();
    private Duration startTimeout = Duration.ofSeconds(10);

    private record Credential(String subdir, String file, byte[] content) {}

    private Builder(String netns, Path dir) {
      this.netns = Objects.requireNonNull(netns);
      this.dir = dir.toAbsolutePath();
      logLevels.put("default", 1);
      logLevels.put("ike", 2);
      logLevels.put("chd", 2);
      logLevels.put("cfg", 2);
      logLevels.put("knl", 2);
      logLevels.put("net", 1);
      logLevels.put("enc", 1);
      logLevels.put("esp", 1);
    }

    /** The swanctl.conf to write (connections and PSKs); load it with {@link #loadAll()}. */
    public Builder config(SwanctlConf conf) {
      this.config = Objects.requireNonNull(conf);
      return this;
    }

    /**
     * Log level -1..4 of one charon subsystem (dmn, mgr, ike, chd, job, cfg, knl, net, asn, enc,
     * lib, esp, ...) or "default". Defaults: default 1, ike 2, chd 2, cfg 2, knl 2, net 1, enc 1,
     * esp 1. Level 4 of ike/chd logs key material; see the class comment.
     */
    public Builder logLevel(String subsystem, int level) {
      if (!subsystem.matches("[a-z]{3}|default") || level < -1 || level > 4) {
        throw new IllegalArgumentException(subsystem + " " + level);
      }
      logLevels.put(subsystem, level);
      return this;
    }

    /**
     * Logs IKE and child SA key material ({@code ike 4}, {@code chd 4}): the DH secret, SKEYSEED,
     * the seven SK_* keys, the child KEYMAT seed and ESP keys. <b>Secrets in the log</b>: only for
     * interop debugging and recorded vectors.
     */
    public Builder logKeys() {
      logLevel("ike", 4);
      return logLevel("chd", 4);
    }

    /**
     * Sets a key of the {@code charon} section of strongswan.conf, e.g. {@code
     * setting("retransmit_tries", "2")} or {@code setting("plugins.kernel-libipsec.allow_peer_ts",
     * "yes")} (dots become nested sections).
     */
    public Builder setting(String key, String value) {
      if (!key.matches("[A-Za-z0-9_.-]+")) {
        throw new IllegalArgumentException("bad strongswan.conf key " + key);
      }
      settings.put(key, Objects.requireNonNull(value));
      return this;
    }

    /**
     * A credential file for swanctl to load: {@code subdir} is one of swanctl's directories (x509
     * for own certificates, x509ca for trust anchors, private for private keys, PEM or DER).
     */
    public Builder credential(String subdir, String file, byte[] content) {
      if (!SWANCTL_SUBDIRS.contains(subdir) || !file.matches("[A-Za-z0-9_.-]+")) {
        throw new IllegalArgumentException(subdir + "/" + file);
      }
      credentials.add(new Credential(subdir, file, content.clone()));
      return this;
    }

    public Builder startTimeout(Duration d) {
      this.startTimeout = d;
      return this;
    }

    /**
     * Writes the config files and starts charon; returns once its vici socket answers.
     *
     * @throws IllegalStateException if strongSwan is missing, charon exits, or the socket does not
     *     answer in time (the message carries charon's output and log tail)
     */
    public Charon start() throws IOException {
      Path binary =
          findBinary()
              .orElseThrow(() -> new IllegalStateException("strongSwan charon is not installed"));
      Path socket = dir.resolve("charon.vici");
      if (socket.toString().length() > MAX_UNIX_PATH) {
        throw new IllegalArgumentException("directory too long for a Unix socket path: " + dir);
      }
      Files.createDirectories(dir.resolve("run"));
      for (String sub : SWANCTL_SUBDIRS) {
        Files.createDirectories(dir.resolve("swanctl").resolve(sub));
      }
      Files.writeString(dir.resolve("strongswan.conf"), strongswanConf(socket));
      writeSecret(dir.resolve("swanctl/swanctl.conf"), config.render());
      for (Credential c : credentials) {
        writeSecret(dir.resolve("swanctl").resolve(c.subdir).resolve(c.file), c.content);
      }
      Files.deleteIfExists(dir.resolve("charon.log"));
      Files.deleteIfExists(dir.resolve("charon.out"));
      long t0 = System.nanoTime();
      Background p =
          Commands.start(
              List.of(
                  "ip",
                  "netns",
                  "exec",
                  netns,
                  "unshare",
                  "--mount",
                  "--propagation",
                  "private",
                  "sh",
                  "-c",
                  "mount --bind \"$1\" /run && exec \"$2\"",
                  "charon-wrapper",
                  dir.resolve("run").toString(),
                  binary.toString()),
              Map.of("STRONGSWAN_CONF", dir.resolve("strongswan.conf").toString()),
              true);
      Charon charon = new Charon(netns, dir, binary, p);
      try {
        charon.awaitSocket(startTimeout);
      } catch (RuntimeException | IOException e) {
        charon.close();
        throw e;
      }
      LOG.info(
          "charon pid {} in {} answers on vici after {} ms ({})",
          p.pid(),
          netns,
          (System.nanoTime() - t0) / 1_000_000,
          dir);
      return charon;
    }

    private String strongswanConf(Path socket) {
      StringBuilder sb = new StringBuilder();
      sb.append("# written by the meshsec interop harness (org.meshsec.lab.interop.Charon)\n");
      sb.append("charon {\n");
      sb.append("  load_modular = no\n");
      sb.append("  # kernel-libipsec must precede kernel-netlink (userspace ESP, no XFRM)\n");
      sb.append("  load = ").append(String.join(" ", PLUGINS)).append('\n');
      sb.append("  plugins {\n");
      sb.append("    vici {\n      socket = ")
          .append(SwanctlConf.quote("unix://" + socket))
          .append("\n    }\n  }\n");
      sb.append("  filelog {\n    interop {\n");
      sb.append("      path = ").append(SwanctlConf.quote(dir.resolve("charon.log").toString()));
      sb.append("\n      time_format = %T\n      time_add_ms = yes\n      ike_name = yes\n");
      sb.append("      append = no\n      flush_line = yes\n");
      for (Map.Entry<String, Integer> e : logLevels.entrySet()) {
        sb.append("      ").append(e.getKey()).append(" = ").append(e.getValue()).append('\n');
      }
      sb.append("    }\n  }\n");
      sb.append("  syslog {\n  }\n");
      sb.append("}\n");
      // Extra settings as their own nested blocks: strongswan.conf merges repeated sections.
      for (Map.Entry<String, String> e : settings.entrySet()) {
        String[] path = e.getKey().split("\\.");
        sb.append("charon {");
        for (int i = 0; i < path.length - 1; i++) {
          sb.append(' ').append(path[i]).append(" {");
        }
        sb.append(' ').append(path[path.length - 1]).append(" = ");
        sb.append(SwanctlConf.quote(e.getValue())).append('\n');
        sb.append("}".repeat(path.length - 1)).append("}\n");
      }
      sb.append("swanctl {\n  load = pem pkcs1 pkcs8 x509 openssl random\n}\n");
      return sb.toString();
    }

    private static void writeSecret(Path file, String text) throws IOException {
      writeSecret(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Owner-only: swanctl.conf carries PSKs, private/ carries keys. */
    private static void writeSecret(Path file, byte[] content) throws IOException {
      Files.deleteIfExists(file);
      Files.createFile(
          file,
          java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      Files.write(file, content);
    }
  }

  private void awaitSocket(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "charon in " + netns + " exited with " + process.process().exitValue() + diagnostics());
      }
      if (Files.exists(vici)) {
        try (Vici v = Vici.connect(vici)) {
          v.call("version", Map.of());
          return;
        } catch (IOException e) {
          // socket file there but not yet listening
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "charon in " + netns + " did not open its vici socket in " + timeout + diagnostics());
      }
      sleep(20);
    }
  }

  // ---------------------------------------------------------------- control

  /** Runs {@code swanctl} with this charon's config and socket: sub-command first, then --uri. */
  public ExecResult swanctl(String... args) throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add("swanctl");
    argv.addAll(List.of(args));
    argv.add("--uri");
    argv.add("unix://" + vici);
    return Commands.runAllowingFailure(
        Duration.ofSeconds(30),
        argv,
        Map.of(
            "STRONGSWAN_CONF", dir.resolve("strongswan.conf").toString(),
            "SWANCTL_DIR", dir.resolve("swanctl").toString()));
  }

  /**
   * {@code swanctl --load-all}: connections, secrets and credentials from the config. Children with
   * {@code start_action = start} are initiated by this call. Returns swanctl's output.
   *
   * @throws IllegalStateException if swanctl fails
   */
  public String loadAll() throws IOException {
    ExecResult r = swanctl("--load-all", "--noprompt");
    if (!r.ok()) {
      throw new IllegalStateException("swanctl --load-all failed: " + r.stdout() + r.stderr());
    }
    return r.stdout();
  }

  /** Rewrites swanctl.conf with {@code conf} and loads it ({@link #loadAll()}). */
  public String reload(SwanctlConf conf) throws IOException {
    Builder.writeSecret(dir.resolve("swanctl/swanctl.conf"), conf.render());
    return loadAll();
  }

  /** Initiates child config {@code child} and waits (up to 30 s) for the outcome. */
  public void initiate(String child) throws IOException {
    initiate(child, Duration.ofSeconds(30));
  }

  /**
   * Initiates child config {@code child} (and its IKE SA if none is up) over vici and waits up to
   * {@code timeout} for it to be established.
   *
   * @throws IllegalStateException with charon's error message and log tail on failure
   */
  public void initiate(String child, Duration timeout) throws IOException {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("child", child);
    args.put("timeout", Long.toString(timeout.toMillis()));
    args.put("init-limits", "no");
    checkSuccess("initiate " + child, command("initiate", args));
  }

  /** Deletes the IKE SA(s) of connection {@code ike} (sending DELETE) and waits up to 10 s. */
  public void terminate(String ike) throws IOException {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("ike", ike);
    args.put("timeout", "10000");
    checkSuccess("terminate " + ike, command("terminate", args));
  }

  /** The daemon's version, e.g. "5.9.8" (vici {@code version}). */
  public String version() throws IOException {
    return (String) command("version", Map.of()).get("version");
  }

  /** Runs any vici command with {@code args} and returns its response. */
  public Map<String, Object> command(String name, Map<String, Object> args) throws IOException {
    try (Vici v = Vici.connect(vici)) {
      return v.call(name, args);
    }
  }

  private void checkSuccess(String what, Map<String, Object> response) {
    if (!"yes".equals(response.get("success"))) {
      throw new IllegalStateException(what + " failed: " + response.get("errmsg") + diagnostics());
    }
  }

  // ---------------------------------------------------------------- state

  /** One child SA as vici's list-sas reports it. SPIs are the values on the wire. */
  public record ChildSa(
      String name,
      long uniqueId,
      String state,
      String mode,
      boolean encap,
      int spiIn,
      int spiOut,
      String proposal,
      long bytesIn,
      long packetsIn,
      long bytesOut,
      long packetsOut,
      List<String> localTs,
      List<String> remoteTs,
      Map<String, Object> raw) {}

  /** One IKE SA as vici's list-sas reports it. */
  public record IkeSa(
      String name,
      long uniqueId,
      String state,
      boolean initiator,
      long initiatorSpi,
      long responderSpi,
      String localHost,
      int localPort,
      String remoteHost,
      int remotePort,
      String proposal,
      List<ChildSa> children,
      Map<String, Object> raw) {

    /** The child SAs named {@code name} in state INSTALLED. */
    public List<ChildSa> installed(String name) {
      return children.stream()
          .filter(c -> c.name().equals(name) && "INSTALLED".equals(c.state()))
          .toList();
    }
  }

  /** All IKE SAs with their child SAs (vici list-sas, streamed as list-sa events). */
  public List<IkeSa> listSas() throws IOException {
    List<IkeSa> out = new ArrayList<>();
    try (Vici v = Vici.connect(vici)) {
      v.call(
          "list-sas",
          Map.of("noblock", "yes"),
          "list-sa",
          event -> {
            for (Map.Entry<String, Object> e : event.entrySet()) {
              out.add(ikeSa(e.getKey(), asMap(e.getValue())));
            }
          });
    }
    return out;
  }

  /**
   * Polls {@link #listSas()} until an IKE SA of connection {@code ike} is ESTABLISHED with an
   * INSTALLED child SA named {@code child}, and returns it.
   *
   * @throws IllegalStateException on timeout, with the last listing and the log tail
   */
  public IkeSa awaitEstablished(String ike, String child, Duration timeout) throws IOException {
    return awaitSa(
        sa ->
            sa.name().equals(ike)
                && "ESTABLISHED".equals(sa.state())
                && !sa.installed(child).isEmpty(),
        timeout,
        ike + " ESTABLISHED with " + child + " INSTALLED");
  }

  /** Polls {@link #listSas()} every 50 ms until some IKE SA matches {@code condition}. */
  public IkeSa awaitSa(Predicate<IkeSa> condition, Duration timeout, String what)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<IkeSa> last;
    while (true) {
      last = listSas();
      for (IkeSa sa : last) {
        if (condition.test(sa)) {
          return sa;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "charon in "
                + netns
                + ": no "
                + what
                + " after "
                + timeout
                + "; SAs: "
                + last
                + diagnostics());
      }
      sleep(50);
    }
  }

  private static IkeSa ikeSa(String name, Map<String, Object> m) {
    List<ChildSa> children = new ArrayList<>();
    Object cs = m.get("child-sas");
    if (cs instanceof Map<?, ?> childMap) {
      for (Object c : childMap.values()) {
        children.add(childSa(asMap(c)));
      }
    }
    return new IkeSa(
        name,
        num(m, "uniqueid"),
        str(m, "state"),
        "yes".equals(m.get("initiator")),
        Long.parseUnsignedLong(str(m, "initiator-spi", "0"), 16),
        Long.parseUnsignedLong(str(m, "responder-spi", "0"), 16),
        str(m, "local-host"),
        (int) num(m, "local-port"),
        str(m, "remote-host"),
        (int) num(m, "remote-port"),
        proposal(m),
        List.copyOf(children),
        m);
  }

  private static ChildSa childSa(Map<String, Object> m) {
    return new ChildSa(
        str(m, "name"),
        num(m, "uniqueid"),
        str(m, "state"),
        str(m, "mode"),
        "yes".equals(m.get("encap")),
        Integer.parseUnsignedInt(str(m, "spi-in", "0"), 16),
        Integer.parseUnsignedInt(str(m, "spi-out", "0"), 16),
        proposal(m),
        num(m, "bytes-in"),
        num(m, "packets-in"),
        num(m, "bytes-out"),
        num(m, "packets-out"),
        strings(m.get("local-ts")),
        strings(m.get("remote-ts")),
        m);
  }

  /** e.g. "AES_GCM_16-128/PRF_HMAC_SHA2_256/CURVE_25519", as swanctl --list-sas prints it. */
  private static String proposal(Map<String, Object> m) {
    List<String> parts = new ArrayList<>();
    if (m.get("encr-alg") != null) {
      parts.add(
          m.get("encr-alg") + (m.get("encr-keysize") != null ? "-" + m.get("encr-keysize") : ""));
    }
    for (String k : List.of("integ-alg", "prf-alg", "dh-group")) {
      if (m.get(k) != null) {
        parts.add((String) m.get(k));
      }
    }
    return String.join("/", parts);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object o) {
    return (Map<String, Object>) o;
  }

  private static List<String> strings(Object o) {
    if (o instanceof List<?> l) {
      return l.stream().map(String.class::cast).toList();
    }
    return List.of();
  }

  private static String str(Map<String, Object> m, String k) {
    return str(m, k, null);
  }

  private static String str(Map<String, Object> m, String k, String dflt) {
    Object v = m.get(k);
    return v instanceof String s ? s : dflt;
  }

  private static long num(Map<String, Object> m, String k) {
    Object v = m.get(k);
    return v instanceof String s ? Long.parseLong(s) : -1;
  }

  // ---------------------------------------------------------------- files and process

  /** The test directory holding strongswan.conf, swanctl/, run/, charon.vici and the logs. */
  public Path directory() {
    return dir;
  }

  public String netns() {
    return netns;
  }

  public Path logFile() {
    return dir.resolve("charon.log");
  }

  /** The whole charon log so far. */
  public String log() {
    try {
      return Files.exists(logFile()) ? Files.readString(logFile()) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last {@code n} lines of the log. */
  public String logTail(int n) {
    List<String> lines = log().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }

  /** The pid of charon itself (the exec chain keeps the started process's pid). */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * SIGKILL: charon vanishes without sending DELETE, as after a crash (for DPD tests). Its TUN
   * device and the routes through it disappear with the process.
   */
  public void kill() throws InterruptedException {
    Processes.kill(process.process().toHandle(), Duration.ZERO);
    // The handle's onExit completes when the process has exited; the Process object learns of it
    // only when its reaper thread has collected the status, a moment later. Wait for that, so that
    // isAlive() is false on return.
    process.process().waitFor(5, TimeUnit.SECONDS);
  }

  /**
   * Stops charon: SIGTERM, then SIGKILL after {@link Background#STOP_GRACE}. The directory (with
   * the logs, and charon's own output in {@code charon.out}) is kept.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    process.close();
    try {
      Files.writeString(dir.resolve("charon.out"), output());
    } catch (IOException e) {
      LOG.warn("cannot keep charon's output in {}: {}", dir, e.toString());
    }
  }

  /** What charon printed on its standard output and error so far. */
  private String output() {
    return process.stdout() + process.stderr();
  }

  private String diagnostics() {
    return "\n--- charon output ---\n"
        + output().strip()
        + "\n--- charon.log tail ---\n"
        + logTail(40);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public String toString() {
    return "charon " + binary + " in " + netns + " (" + dir + ")";
  }
}
