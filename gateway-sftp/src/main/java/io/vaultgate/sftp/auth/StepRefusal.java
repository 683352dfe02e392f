package io.vaultgate.sftp.auth;

import java.util.Locale;

/**
 * Why the MFA steps' pool ({@link AuthSteps}) answered a step undecided, through its floor, counted in
 * {@code vaultgate_sftp_mfa_steps_refused_total} by {@code reason} (the lower-case name).
 */
public enum StepRefusal {
    /** No worker free and no place to wait, nor one to take from a source holding two or more places more. */
    POOL_FULL,
    /** Its source already held its share of the pool ({@link AuthSteps#PER_SOURCE} steps). */
    SOURCE_SHARE,
    /** It was waiting, and a step of a source holding two or more places fewer took its place. */
    PUSHED_OUT;

    /** The metric's {@code reason} tag. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
