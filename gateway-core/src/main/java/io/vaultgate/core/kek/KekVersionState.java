package io.vaultgate.core.kek;

/**
 * What the catalog records of one KEK version, in rising strictness: a version only ever moves down this list
 * (a disabled version is never enabled again, a destroyed one never comes back), whichever node reports it.
 */
public enum KekVersionState {
    /** Made by a rotation or the tenant's creation; the newest one is the tenant's active version. */
    ENABLED,
    /** Retired ({@code vaultgate keys disable}): no node may unwrap with it. */
    DISABLED,
    /** Destroyed with every other version of the tenant (a shred): nothing of the tenant is unwrapped. */
    DESTROYED;

    /** True if this state refuses more than {@code other}. */
    boolean stricterThan(KekVersionState other) {
        return compareTo(other) > 0;
    }
}
