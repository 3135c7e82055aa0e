package org.meshsec.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.config.mesh.MeshMembership;

/**
 * The mesh examples of docs/operations.md: the mesh file, a node's configuration and secrets load;
 * {@code mesh show} prints what the document shows; adding delta and removing beta plan exactly one
 * peer step each.
 */
class MeshDocsTest {
  @TempDir Path dir;

  static String operations() throws IOException {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("docs/operations.md"))) {
      p = p.getParent();
    }
    assertTrue(p != null, "docs/operations.md not found");
    return Files.readString(p.resolve("docs/operations.md"));
  }

  static String example(String md, String name) {
    Matcher m =
        Pattern.compile(
                "<!-- example: " + Pattern.quote(name) + " -->\\s*```toml\\n(.*?)```",
                Pattern.DOTALL)
            .matcher(md);
    assertTrue(m.find(), "no example " + name + " in docs/operations.md");
    return m.group(1);
  }

  NodeConfig load(ConfigFixture f, String mesh) throws IOException {
    Files.writeString(dir.resolve("mesh.toml"), mesh);
    return f.loadOk();
  }

  @Test
  void theMeshExamplesLoadAndAddingAndRemovingANodeTouchesOnePeer() throws Exception {
    String md = operations();
    ConfigFixture f =
        new ConfigFixture(dir).write(example(md, "mesh-node")).secrets(example(md, "mesh-secrets"));
    String mesh = example(md, "mesh-file");
    NodeConfig alpha = load(f, mesh);
    assertTrue(ConfigLoader.loadMesh(dir.resolve("mesh.toml")).errors().isEmpty());

    MeshMembership m = alpha.meshMembership().orElseThrow();
    String shown = org.meshsec.core.cli.MeshShowAccess.format(alpha, m);
    Matcher block =
        Pattern.compile("\\$ meshsec mesh show [^\\n]*\\n(.*?)```", Pattern.DOTALL).matcher(md);
    assertTrue(block.find());
    assertEquals(
        block.group(1).strip(),
        shown.replace(dir.resolve("mesh.toml").toString(), "/etc/meshsec/mesh.toml"));

    String added = mesh + "\n" + example(md, "mesh-add");
    NodeConfig withDelta = load(f, added);
    ReloadPlan add = ReloadPlan.of(alpha, withDelta);
    assertTrue(add.applicable(), add.restarts().toString());
    assertEquals(
        List.of(new ReloadPlan.PeerStep("delta", ReloadPlan.PeerAction.ADD)), add.peerSteps());

    String withoutBeta =
        added
            .replaceAll("(?s)\\[\\[node\\]\\]\\nname = \"beta\".*?\\n\\n", "")
            .replaceAll("(?s)\\[\\[pair\\]\\].*?version = 2\\n", "");
    NodeConfig removed = load(f, withoutBeta);
    ReloadPlan remove = ReloadPlan.of(withDelta, removed);
    assertEquals(
        List.of(new ReloadPlan.PeerStep("beta", ReloadPlan.PeerAction.REMOVE)), remove.peerSteps());
    assertTrue(remove.applicable());
  }
}
