/**
 * IKEv1 key derivation (RFC 2409 section 5 and appendix B): SKEYID for pre-shared keys and
 * signatures, SKEYID_d/_a/_e, the phase 1 encryption key, HASH_I/HASH_R, the Quick Mode and
 * informational HASH payloads, Quick Mode KEYMAT, and the CBC IV chain. Built on the prf and key
 * exchange code of {@code org.meshsec.ike.crypto}.
 */
package org.meshsec.ike.v1.crypto;
