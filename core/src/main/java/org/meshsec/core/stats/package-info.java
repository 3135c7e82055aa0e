/**
 * Counters modelled on Linux {@code /proc/net/xfrm_stat}: {@link org.meshsec.core.stats.XfrmStat}
 * names and documents each one, {@link org.meshsec.core.stats.XfrmStats} holds them for the CLI and
 * metrics.
 */
package org.meshsec.core.stats;
