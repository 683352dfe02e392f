package io.vaultgate.core.pki;

import java.util.Locale;

/**
 * Whether a client certificate can log in at a given time, as the admin API and the command line name it: {@link
 * Validity#stateAt} decides the first three; {@link #UNKNOWN} is a certificate registered before the catalog recorded
 * validity (V34), whose dates the gateway never stored.
 */
public enum CertificateState {
    VALID,
    EXPIRED,
    /** Before its {@code notBefore}: a certificate issued ahead of a rollover; it logs in from that instant on. */
    NOT_YET_VALID,
    UNKNOWN;

    /** The stable name clients match on: {@code valid}, {@code expired}, {@code not-yet-valid}, {@code unknown}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether a login with it may succeed: valid, or of unknown validity (the handshake then decides). */
    public boolean mayLogIn() {
        return this == VALID || this == UNKNOWN;
    }
}
