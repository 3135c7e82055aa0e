package org.meshsec.lab.netns;

import org.meshsec.tun.exec.Background;

/**
 * Run in a child JVM by {@link NetnsIntegrationTest}: builds a topology with one namespace and a
 * process inside it, prints their names, and waits to be interrupted (never calls close()).
 */
public final class TopologyHookMain {
  private TopologyHookMain() {}

  public static void main(String[] args) throws Exception {
    Topology t = new Topology(args[0]);
    Netns n = t.namespace("hook");
    Background sleeper = n.spawn("sleep", "600");
    System.out.println("created " + n.name() + " " + sleeper.pid());
    System.out.flush();
    Thread.sleep(600_000);
  }
}
