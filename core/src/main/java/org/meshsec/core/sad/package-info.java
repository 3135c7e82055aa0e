/**
 * The Security Association Database (RFC 4301 section 4.4.2): {@link
 * org.meshsec.core.sad.SecurityAssociation} with its {@link org.meshsec.core.sad.SaState} life
 * cycle, the {@link org.meshsec.core.sad.Sad} with lock-free hot-path lookups and LARVAL queueing
 * in both directions, and the {@link org.meshsec.core.sad.KeyEngine} port (a typed PF_KEY, RFC
 * 2367) through which IKE and manual keying install, update and delete SAs and receive ACQUIRE and
 * EXPIRE events.
 */
package org.meshsec.core.sad;
