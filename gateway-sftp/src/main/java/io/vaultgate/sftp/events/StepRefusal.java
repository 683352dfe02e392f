package io.vaultgate.sftp.events;

import java.util.Locale;

/**
 * Why the MFA steps' pool ({@code auth.AuthSteps}) answered a step undecided, through its floor, counted in
 * {@code vaultgate_sftp_mfa_steps_refused_total} by {@code reason} (the lower-case name). It lives beside the meter
 * ({@link SftpMetrics}), which {@code sftp.auth} already depends on, so that {@code sftp.events} does not depend on
 * {@code sftp.auth} for it (review27a #5).
 */
public enum StepRefusal {
    /** No worker free and no place to wait, nor one to take from a source holding two or more places more. */
    POOL_FULL,
    /** Its source already held its share of the pool ({@code AuthSteps.PER_SOURCE} steps). */
    SOURCE_SHARE,
    /** It was waiting, and a step of a source holding two or more places fewer took its place. */
    PUSHED_OUT,
    /**
     * The server was stopping: the pool admits no step any more (review27a #4; such a step counted as {@link
     * #POOL_FULL} before, which a steady rise of means the checks cannot keep up).
     */
    STOPPING;

    /** The metric's {@code reason} tag. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
