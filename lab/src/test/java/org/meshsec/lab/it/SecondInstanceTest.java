package org.meshsec.lab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.lab.netns.Netns;

/**
 * A second daemon started beside a running one, in the same network namespace: given the running
 * daemon's control socket it refuses to start and names the process; given the same routing table
 * it refuses and deletes none of the first daemon's rules; given a [routing] table and priority
 * range of its own it runs beside the first, and stopping it leaves the first one's rules and
 * traffic alone; given the first one's TUN device name it is refused in the configuration's terms.
 */
@Tag("netns")
class SecondInstanceTest {
  Lab lab;
  NamespaceDaemon a;
  List<String> aRules;

  @BeforeEach
  void up() throws Exception {
    assumeTrue(Netns.requireRoot(getClass().getSimpleName()));
    lab = Lab.create(false);
    NodeConf ca = NodeConf.overlayA();
    NodeConf cb = NodeConf.overlayB();
    lab.protect("v4", ca, cb, "10.9.0.0/24", "10.9.1.0/24", "tunnel", false, "", "");
    lab.protect("v6", ca, cb, "fd00:9::/64", "fd00:9:1::/64", "tunnel", false, "", "");
    a = lab.start(ca, cb)[0];
    Lab.ping(lab.a(), "10.9.1.1");
    aRules = RestartTest.ourRules(lab.a());
    assertEquals(2, aRules.size(), aRules.toString());
  }

  @AfterEach
  void down() {
    if (lab != null) {
      lab.close();
    }
  }

  /** Another node in namespace a: its own TUN device, overlay and listen port. */
  static NodeConf second(String routing) {
    return new NodeConf("a2")
        .tunName("ms1")
        .tunAddress("10.9.5.1/24")
        .route("10.9.6.0/24")
        .raw("[listen]\nport = 4510\nike_port = 5010\n" + routing);
  }

  void firstIsUntouched() throws Exception {
    List<String> first =
        RestartTest.ourRules(lab.a()).stream().filter(r -> r.contains("lookup 4500")).toList();
    assertEquals(aRules, first, "the first daemon's rules changed");
    String table = lab.a().ip("-4", "route", "show", "table", "4500").stdout();
    assertTrue(table.contains("10.9.1.0/24 dev ms0"), table);
    assertTrue(a.ok(new ControlRequest.Status(false)).contains("a"));
    Lab.ping(lab.a(), "10.9.1.1");
    Lab.ping(lab.a(), "fd00:9:1::1");
  }

  /** The pid the message names is the first daemon's JVM (its command line has a's config). */
  void assertIsTheFirstDaemon(String out, String regex) {
    Matcher m = Pattern.compile(regex).matcher(out);
    assertTrue(m.find(), regex + " in:\n" + out);
    String cmdline;
    try {
      cmdline =
          new String(Files.readAllBytes(Path.of("/proc", m.group(1), "cmdline")))
              .replace('\0', ' ');
    } catch (IOException e) {
      throw new AssertionError("pid " + m.group(1) + " is not running: " + out, e);
    }
    assertTrue(cmdline.contains(a.config.toString()), m.group(1) + ": " + cmdline);
  }

  @Test
  void theRunningDaemonsControlSocketIsRefusedWithItsPid() throws Exception {
    String out = lab.refusedIn(lab.a(), second(""), a.socket.getFileName().toString());
    assertTrue(out.contains("control socket " + a.socket + " is in use"), out);
    assertIsTheFirstDaemon(out, "\\(pid (\\d+), uid 0\\)");
    firstIsUntouched();
  }

  @Test
  void theSameRoutingTableIsRefusedAndNothingOfTheFirstIsDeleted() throws Exception {
    String out = lab.refusedIn(lab.a(), second(""), "a2");
    assertTrue(out.contains("routing table 4500 in this network namespace"), out);
    assertIsTheFirstDaemon(out, "belongs to another running meshsec: pid (\\d+) ");
    assertTrue(!out.contains("removing stale routing rule"), out);
    firstIsUntouched();
  }

  @Test
  void anOverlappingPriorityRangeIsRefused() throws Exception {
    String out =
        lab.refusedIn(lab.a(), second("[routing]\ntable = 4600\npriority = 10500\n"), "a2");
    assertTrue(out.contains("rule priorities 9500-10500 in this network namespace"), out);
    firstIsUntouched();
  }

  @Test
  void aTunNameInUseIsRefusedInTheConfigurationsTerms() throws Exception {
    NodeConf c = second("[routing]\ntable = 4600\npriority = 20000\n").tunName("ms0");
    String out = lab.refusedIn(lab.a(), c, "a2");
    assertTrue(out.contains("[tun] name: an interface named 'ms0' already exists"), out);
    assertTrue(!out.contains("attachExisting"), out);
    assertTrue(!out.contains("TunOptions"), out);
    assertTrue(out.contains("or to a pattern such as \"ms%d\""), out);
    firstIsUntouched();
  }

  @Test
  void aTunNamePatternGetsTheFirstFreeIndexShownByStatus() throws Exception {
    // ms0 is the first daemon's: the kernel gives the pattern ms1
    NodeConf c = second("[routing]\ntable = 4600\npriority = 20000\n").tunName("ms%d");
    NamespaceDaemon a2 = lab.startIn(lab.a(), c, "a2");
    assertTrue(lab.a().ip("link", "show", "ms1").stdout().contains("ms1"));
    String status = a2.ok(new ControlRequest.Status(false));
    assertTrue(status.matches("(?s).*\\bms1\\b.*"), status);
    assertTrue(!status.contains("%d"), status);
    String json = a2.ok(new ControlRequest.Status(true));
    assertTrue(json.contains("\"ms1\""), json);
    assertTrue(a2.output().contains("[tun] name ms%d: the kernel chose ms1"), a2.output());
    String table = lab.a().ip("-4", "route", "show", "table", "4600").stdout();
    assertTrue(table.contains("10.9.6.0/24 dev ms1"), table);
    firstIsUntouched();
    assertEquals(0, a2.stop());
    firstIsUntouched();
  }

  @Test
  void aTableAndRangeOfItsOwnShareTheNamespace() throws Exception {
    NamespaceDaemon a2 =
        lab.startIn(lab.a(), second("[routing]\ntable = 4600\npriority = 20000\n"), "a2");
    List<String> both = RestartTest.ourRules(lab.a());
    assertEquals(3, both.size(), both.toString());
    assertTrue(both.stream().anyMatch(r -> r.startsWith("20000:") && r.contains("lookup 4600")));
    String table = lab.a().ip("-4", "route", "show", "table", "4600").stdout();
    assertTrue(table.contains("10.9.6.0/24 dev ms1"), table);
    firstIsUntouched();
    assertEquals(0, a2.stop());
    firstIsUntouched();
  }
}
