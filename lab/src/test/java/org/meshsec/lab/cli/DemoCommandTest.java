package org.meshsec.lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.meshsec.lab.netns.Netns;

/** The README's first command, run as a user would run it (root, real kernel). */
@Tag("netns")
class DemoCommandTest {
  @Test
  void demoPassesTrafficThroughEspAndLeavesNothingBehind() throws Exception {
    Assumptions.assumeTrue(Netns.requireRoot("meshsec-lab demo"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = LabMain.execute(new PrintWriter(out), new PrintWriter(err), "demo", "--bytes", "5M");
    String o = out.toString();
    assertEquals(0, code, o + err);
    assertTrue(o.contains("sha256 matches on both sides"), o);
    assertTrue(o.contains("ESP spi=0x00001001"), o);
    assertTrue(o.contains("seen in 0"), o);
    assertTrue(Netns.list().stream().noneMatch(n -> n.startsWith("msd-")), "namespaces removed");
  }
}
