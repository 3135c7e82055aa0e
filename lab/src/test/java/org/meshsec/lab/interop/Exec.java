package org.meshsec.lab.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short external command to completion and returns its exit code and output. Test support
 * for the interop harness; stateless and thread-safe.
 */
public final class Exec {
  private Exec() {}

  /** Exit code and the two output streams of a finished command. */
  public record Result(List<String> command, int exit, String out, String err) {
    public boolean ok() {
      return exit == 0;
    }

    /** Throws unless the exit code is 0; the message names the command and its stderr. */
    public Result check() {
      if (exit != 0) {
        throw new IllegalStateException(
            "`" + String.join(" ", command) + "` exited " + exit + ": " + (err + out).strip());
      }
      return this;
    }
  }

  public static Result run(List<String> command) {
    return run(command, Map.of(), Duration.ofSeconds(30));
  }

  /**
   * Runs {@code command} with {@code env} added to this process's environment, stdin closed. A
   * command still running after {@code timeout} is killed and reported with exit code -1.
   */
  public static Result run(List<String> command, Map<String, String> env, Duration timeout) {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start `" + String.join(" ", command) + "`", e);
    }
    try {
      p.getOutputStream().close();
      CompletableFuture<String> out = drain(p.getInputStream());
      CompletableFuture<String> err = drain(p.getErrorStream());
      int exit;
      if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        exit = p.exitValue();
      } else {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        exit = -1;
      }
      return new Result(command, exit, out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException | IOException e) {
      p.destroyForcibly();
      throw new IllegalStateException("cannot read the output of " + command, e);
    }
  }

  /** True if {@code command} can be started and exits 0 (used for tool presence checks). */
  static boolean succeeds(String... command) {
    try {
      return run(List.of(command), Map.of(), Duration.ofSeconds(10)).ok();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
