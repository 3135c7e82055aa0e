package org.meshsec.core.capture;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.meshsec.core.sad.SaInfo;
import org.meshsec.core.sad.SaSecrets;
import org.meshsec.ike.sa.IkeListener;
import org.meshsec.ike.sa.IkeSaInfo;
import org.meshsec.ike.sa.IkeSaSecrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code [node] key_log}: appends the keys of every new IKE SA and ESP SA to Wireshark's two key
 * tables in a directory ({@link KeyTableFiles}), as strongSwan's save-keys plugin does, so that a
 * capture taken at any time can be decrypted later. Off unless configured.
 *
 * <p>It hears the IKE SAs' lifecycle ({@link IkeListener}: an SA established or its Child SAs
 * changed) and {@link #refresh()} (start, reload); each time it reads the SAs' keys and appends
 * those it has not written yet. The work runs on one thread of its own, never on an IKE SA's
 * executor, because reading IKE keys waits for those executors. A write error is logged (the path
 * and the reason, never a key) and retried with the next change.
 *
 * <p>Thread-safety: the listener methods and {@link #refresh()} may be called from any thread;
 * everything else runs on the log's own thread.
 */
public final class KeyLog implements IkeListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KeyLog.class);

  private final Path dir;
  private final Supplier<List<IkeSaSecrets>> ikeKeys;
  private final Supplier<List<SaSecrets>> espKeys;
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "meshsec-key-log");
            t.setDaemon(true);
            return t;
          });

  // ---- confined to the log's thread ----
  private Set<String> written = new HashSet<>();
  private boolean failing;

  /**
   * @param dir the key_log directory
   * @param ikeKeys copies of the live IKE SAs' keys (the log wipes them)
   * @param espKeys copies of the live ESP SAs' keys (the log wipes them)
   */
  public KeyLog(Path dir, Supplier<List<IkeSaSecrets>> ikeKeys, Supplier<List<SaSecrets>> espKeys) {
    this.dir = dir;
    this.ikeKeys = ikeKeys;
    this.espKeys = espKeys;
    log.warn(
        "key_log is on: the keys of every new SA are written to {} (anyone who reads it can"
            + " decrypt this node's traffic)",
        dir);
  }

  @Override
  public void ikeSaChanged(IkeSaInfo info) {
    refresh();
  }

  /** Appends the keys of the SAs not written yet, soon, on the log's thread. */
  public void refresh() {
    try {
      thread.execute(this::appendNew);
    } catch (RejectedExecutionException e) {
      // closed: the daemon is stopping
    }
  }

  /** Runs the pending appends, then stops the thread (waits up to two seconds). */
  @Override
  public void close() {
    thread.shutdown();
    try {
      thread.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void appendNew() {
    List<IkeSaSecrets> ike = ikeKeys.get();
    List<SaSecrets> esp = espKeys.get();
    try {
      Set<String> now = new HashSet<>();
      List<IkeSaSecrets> newIke = new ArrayList<>();
      for (IkeSaSecrets s : ike) {
        String id = String.format("ike %016x %016x", s.spiI(), s.spiR());
        now.add(id);
        if (!written.contains(id)) {
          newIke.add(s);
        }
      }
      List<SaSecrets> newEsp = new ArrayList<>();
      for (SaSecrets s : esp) {
        SaInfo i = s.info();
        String id = "esp " + i.direction() + " " + Integer.toHexString(i.spi()) + " " + i.peer();
        now.add(id);
        if (!written.contains(id)) {
          newEsp.add(s);
        }
      }
      if (newIke.isEmpty() && newEsp.isEmpty()) {
        written = now;
        return;
      }
      KeyTableFiles.write(dir, WiresharkKeyTables.lines(newIke, newEsp), true);
      written = now; // forget the SAs that are gone: the set stays as large as the SAD
      if (failing) {
        log.info("key_log {}: writing again", dir);
        failing = false;
      }
      log.debug("key_log: appended {} IKE SA and {} ESP SA keys", newIke.size(), newEsp.size());
    } catch (IOException | RuntimeException e) {
      if (!failing) {
        log.warn("key_log {}: cannot append keys: {}", dir, e.getMessage());
        failing = true;
      }
    } finally {
      ike.forEach(IkeSaSecrets::close);
      esp.forEach(SaSecrets::close);
    }
  }
}
