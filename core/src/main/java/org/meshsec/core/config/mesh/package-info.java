/**
 * The mesh file: one description of a full mesh shared by every node ({@link
 * org.meshsec.core.config.mesh.MeshFile}), the rules across its entries ({@link
 * org.meshsec.core.config.mesh.MeshChecks}) and the per-pair pre-shared key derivation ({@link
 * org.meshsec.core.config.mesh.MeshPsk}). Parsing and the derivation of a node's peers and policies
 * live in {@code org.meshsec.core.config} beside the node configuration they extend.
 */
package org.meshsec.core.config.mesh;
