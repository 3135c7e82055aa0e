package org.meshsec.core.cli;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.meshsec.core.config.ConfigLoader;
import org.meshsec.core.config.ConfigResult;
import org.meshsec.core.config.NodeConfig;
import org.meshsec.core.control.ControlServer;
import org.meshsec.core.control.command.DaemonControl;
import org.meshsec.core.daemon.Daemon;
import org.meshsec.core.daemon.SdNotify;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code meshsec run --config FILE}: runs the daemon in the foreground (as systemd runs it) until
 * SIGTERM or SIGINT. SIGHUP reloads the configuration (as {@code meshsec reload} does). With {@code
 * Type=notify}, systemd hears READY=1 once the data path is up, RELOADING=1 around a reload and
 * STOPPING=1 at shutdown.
 */
@Command(name = "run", description = "Run the daemon in the foreground until SIGTERM/SIGINT.")
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
    Daemon daemon;
    try {
      daemon = Daemon.start(cfg, Daemon.Options.defaults());
    } catch (IOException | RuntimeException e) {
      err.println("meshsec: cannot start: " + e.getMessage());
      err.flush();
      return ExitCode.RUNTIME.code();
    }
    ControlServer control =
        new ControlServer(
            socket != null ? socket : ControlOptions.defaultSocket(),
            DaemonControl.commands(daemon));
    try {
      control.start();
    } catch (IOException e) {
      daemon.close();
      err.println("meshsec: cannot create control socket: " + e.getMessage());
      err.flush();
      return ExitCode.RUNTIME.code();
    }
    CountDownLatch stop = new CountDownLatch(1);
    Runnable shutdown =
        () -> {
          if (stop.getCount() == 0) {
            return;
          }
          SdNotify.notify("STOPPING=1");
          Log.log.info("shutting down");
          control.close();
          daemon.close();
          stop.countDown();
        };
    Signal.handle(new Signal("TERM"), s -> new Thread(shutdown, "meshsec-stop").start());
    Signal.handle(new Signal("INT"), s -> new Thread(shutdown, "meshsec-stop").start());
    Signal.handle(
        new Signal("HUP"),
        s ->
            new Thread(
                    () -> {
                      SdNotify.notify("RELOADING=1");
                      Daemon.ReloadResult rr = daemon.reload();
                      rr.messages().forEach(m -> Log.log.info("SIGHUP: {}", m));
                      SdNotify.notify("READY=1");
                    },
                    "meshsec-reload")
                .start());
    Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "meshsec-shutdown-hook"));
    SdNotify.notify("READY=1");
    Log.log.info(
        "ready; control socket {}", socket != null ? socket : ControlOptions.defaultSocket());
    stop.await();
    return ExitCode.OK.code();
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
