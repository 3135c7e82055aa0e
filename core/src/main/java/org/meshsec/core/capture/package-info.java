/**
 * Key tables for decrypting packet captures: the IKEv2 and ESP keys of a running node in
 * Wireshark's formats, written on request ({@code meshsec sa export-keys}) or appended as SAs are
 * made ({@code [node] key_log}), like strongSwan's save-keys plugin.
 */
package org.meshsec.core.capture;
