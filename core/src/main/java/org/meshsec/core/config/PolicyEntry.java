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
 */
record PolicyEntry(
    String name,
    TomlSection section,
    Set<Direction> directions,
    int priority,
    Selector selector,
    Action action,
    IpsecTemplate template) {}
