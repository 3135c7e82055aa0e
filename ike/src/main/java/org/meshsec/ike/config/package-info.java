/**
 * The configuration the IKE engine runs on, as plain immutable records: {@link
 * org.meshsec.ike.config.PeerConfig} per peer (addresses, identities, authentication, IKE
 * proposals, lifetimes, DPD, encapsulation) with its {@link org.meshsec.ike.config.ChildConfig}s
 * (traffic selector templates, mode, ESP proposals, lifetimes, start action), and {@link
 * org.meshsec.ike.config.EngineSettings} for the node. {@code core} builds these from its TOML
 * file; tests build them directly. No parsing of files happens here; {@link
 * org.meshsec.ike.config.IkeProposal#parse} and {@link org.meshsec.ike.config.EspProposal#parse}
 * accept strongSwan's proposal keywords for convenience.
 *
 * <p>All records here are immutable and thread-safe (lists are copied; {@code SecretBytes} and keys
 * inside {@code AuthConfig} are owned by the configuration and never printed). The builders are not
 * thread-safe.
 */
package org.meshsec.ike.config;
