package org.meshsec.core.cli;

import org.meshsec.core.config.NodeConfig;
import org.meshsec.core.config.mesh.MeshMembership;

/** Test access to {@link MeshShowCommand#format} from other packages. */
public final class MeshShowAccess {
  private MeshShowAccess() {}

  public static String format(NodeConfig c, MeshMembership m) {
    return MeshShowCommand.format(c, m);
  }
}
