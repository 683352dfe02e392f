package io.vaultgate.core.forward;

/** Where a forward job is in its life. */
public enum ForwardState {
    /** Waiting for its next attempt time. */
    PENDING,
    /** Leased to one worker until its lease expires; an expired lease makes it claimable again. */
    IN_FLIGHT,
    /** The site answered 2xx with the right digest. Final. */
    DELIVERED,
    /** Every allowed attempt failed, or the file's key was destroyed. Only an admin's retry revives it. */
    DEAD,
    /**
     * Never to be sent: its site was removed with its unfinished work abandoned ({@code vaultgate site remove
     * --abandon-work}), or its file no longer existed when it was to be sent (deleted or replaced by its owner,
     * expired; {@code last_error} says so). Final; a retry is refused. A send that was on the wire at that moment
     * may still have reached the site.
     */
    ABANDONED
}
