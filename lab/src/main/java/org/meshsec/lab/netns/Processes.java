package org.meshsec.lab.netns;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Killing a process together with its descendants. Stateless and thread-safe. */
final class Processes {
  private Processes() {}

  /**
   * Sends SIGTERM to {@code p} and its descendants, waits up to {@code grace} for {@code p} to
   * exit, then SIGKILLs whatever is left. {@code grace} of zero means SIGKILL at once.
   */
  static void kill(ProcessHandle p, Duration grace) {
    List<ProcessHandle> all = p.descendants().collect(Collectors.toList());
    all.add(0, p);
    if (!grace.isZero()) {
      all.forEach(ProcessHandle::destroy);
      try {
        p.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
        // fall through to SIGKILL
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    try {
      p.onExit().get(5, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
      // a process in uninterruptible sleep; nothing more we can do
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
