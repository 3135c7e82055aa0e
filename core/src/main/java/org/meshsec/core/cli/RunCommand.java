package org.meshsec.core.cli;

import ch.qos.logback.classic.Level;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.meshsec.core.config.ConfigLoader;
import org.meshsec.core.config.ConfigResult;
import org.meshsec.core.config.NodeConfig;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlServer;
import org.meshsec.core.control.command.DaemonControl;
import org.meshsec.core.control.command.StopCommand;
import org.meshsec.core.daemon.Daemon;
import org.meshsec.core.daemon.SystemdNotifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code meshsec run --config FILE}: runs the daemon in the foreground (as systemd runs it) until
 * SIGTERM, SIGINT or {@code meshsec stop}. SIGHUP reloads the configuration (as {@code meshsec
 * reload} does). {@code meshsec stop --for-restart} is a stop for restart: the ESP and IKE SAs go
 * to the state file {@code meshsec.state} beside the control socket, which the next {@code run}
 * resumes (see {@code Daemon#stopForRestart}). That stop is a control command and not a signal:
 * HotSpot on Linux keeps SIGUSR1 for itself and suspends threads with SIGUSR2 (for JFR's sampler,
 * among others), so a Java handler on either would stop the daemon whenever it is profiled. With
 * {@code Type=notify}, systemd hears READY=1 once the data path is up, status lines, watchdog
 * pings, RELOADING=1 around a reload and STOPPING=1 at shutdown ({@link SystemdNotifier}).
 */
@Command(
    name = "run",
    description = "Run the daemon in the foreground until SIGTERM/SIGINT or `meshsec stop`.")
public final class RunCommand implements Callable<Integer> {
  /**
   * The logger, held apart so that building the command tree (which every CLI call does) does not
   * start the logging system: only {@code run} logs.
   */
  private static final class Log {
    static final Logger log = LoggerFactory.getLogger(RunCommand.class);
  }

  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description = "The configuration file.")
  Path config;

  @Option(
      names = "--socket",
      paramLabel = "PATH",
      description =
          "Control socket to create (default: $MESHSEC_SOCKET or /run/meshsec/meshsec.sock).")
  Path socket;

  /**
   * Netty's buffer leak detector samples one buffer in 128 by default and records a stack trace (a
   * {@code Throwable}) for each: thousands per second on a busy data path, about 5 % of a packet
   * loop's CPU (bench/RESULTS.md, "Leak detection and checksums"). The daemon turns it off unless
   * the operator asks for a level with {@code -Dio.netty.leakDetection.level=...} (in {@code
   * MESHSEC_JAVA_OPTS}); the test suites run it at {@code paranoid}.
   */
  static void leakDetectionOffUnlessAsked() {
    if (System.getProperty("io.netty.leakDetection.level") == null
        && System.getProperty("io.netty.leakDetectionLevel") == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    ConfigResult r = ConfigLoader.load(config);
    if (!r.isOk()) {
      r.errors().forEach(e -> err.println(e));
      err.flush();
      return ExitCode.FAILURE.code();
    }
    NodeConfig cfg = r.config();
    setLogLevel(cfg.node().logLevel().name());
    leakDetectionOffUnlessAsked();
    Daemon daemon;
    try {
      // Before anything touches the network: a second instance must not disturb the first.
      ControlServer.claimPath(socket != null ? socket : ControlOptions.defaultSocket());
      daemon = Daemon.start(cfg, Daemon.Options.defaults().withStateFile(stateFile()));
    } catch (IOException | RuntimeException e) {
      err.println("meshsec: cannot start: " + e.getMessage());
      err.flush();
      return ExitCode.RUNTIME.code();
    }
    ControlServer control =
        new ControlServer(
            socket != null ? socket : ControlOptions.defaultSocket(),
            DaemonControl.commands(daemon));
    SystemdNotifier systemd = SystemdNotifier.fromEnvironment();
    CountDownLatch stop = new CountDownLatch(1);
    AtomicBoolean stopping = new AtomicBoolean();
    Runnable shutdown =
        () -> {
          // once: a second SIGTERM or `meshsec stop` while the first is under way does nothing
          if (!stopping.compareAndSet(false, true)) {
            return;
          }
          systemd.stopping();
          Log.log.info("shutting down");
          control.close();
          daemon.close();
          stop.countDown();
        };
    Runnable stopAsync = () -> new Thread(shutdown, "meshsec-stop").start();
    // `meshsec stop [--for-restart]`: the stop needs this process's shutdown, so it is served here
    control.commands().register(ControlRequest.Stop.class, new StopCommand(daemon, stopAsync));
    try {
      control.start();
    } catch (IOException e) {
      daemon.close();
      err.println("meshsec: cannot create control socket: " + e.getMessage());
      err.flush();
      return ExitCode.RUNTIME.code();
    }
    daemon.notifyVia(systemd);
    Signal.handle(new Signal("TERM"), s -> stopAsync.run());
    Signal.handle(new Signal("INT"), s -> stopAsync.run());
    Signal.handle(
        new Signal("HUP"),
        s ->
            new Thread(
                    () -> {
                      Daemon.ReloadResult rr = daemon.reload();
                      if (rr.applied()) {
                        rr.messages().forEach(m -> Log.log.info("SIGHUP: {}", m));
                      }
                    },
                    "meshsec-reload")
                .start());
    Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "meshsec-shutdown-hook"));
    systemd.ready(SystemdNotifier.statusLine(daemon));
    systemd.startWatchdog(daemon.eventLoop(), () -> SystemdNotifier.statusLine(daemon));
    Log.log.info(
        "ready; control socket {}", socket != null ? socket : ControlOptions.defaultSocket());
    stop.await();
    return ExitCode.OK.code();
  }

  /** The hot-restart state file: {@code meshsec.state} beside the control socket. */
  private Path stateFile() {
    Path sock = (socket != null ? socket : ControlOptions.defaultSocket()).toAbsolutePath();
    return sock.resolveSibling("meshsec.state");
  }

  private static void setLogLevel(String level) {
    if (System.getenv("MESHSEC_LOG_LEVEL") != null) {
      return; // the environment wins over the file, for debugging a unit
    }
    org.slf4j.Logger root = LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (root instanceof ch.qos.logback.classic.Logger lb) {
      lb.setLevel(Level.toLevel(level, Level.INFO));
    }
  }
}
