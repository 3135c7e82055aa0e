package org.meshsec.core.config;

import java.util.Set;
import org.meshsec.core.spd.Action;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.IpsecTemplate;
import org.meshsec.core.spd.Selector;

/**
 * A valid {@code [[policy]]} entry as written, before expansion into SPD policies.
 *
 * @param template non-null exactly for PROTECT
 * @param ike the {@code [[peer]]} that negotiates its SAs, or null (manual SAs)
 */
record PolicyEntry(
    String name,
    TomlSection section,
    Set<Direction> directions,
    int priority,
    Selector selector,
    Action action,
    IpsecTemplate template,
    String ike) {}
