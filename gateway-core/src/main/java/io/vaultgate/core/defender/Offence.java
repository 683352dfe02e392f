package io.vaultgate.core.defender;

/** What a source address did wrong, and how many points it scores towards a ban. */
public enum Offence {
    /** A login with a wrong password, key, token or certificate, or for a disabled or locked login. */
    LOGIN_FAILED(1),
    /**
     * A login name that does not exist (typical of guessing). Scored like {@link #LOGIN_FAILED}: were it more, the
     * attempt that bans an address would tell whether the names it tried exist.
     */
    UNKNOWN_USER(1),
    /** A protocol violation: a broken handshake, a malformed request. */
    PROTOCOL_ERROR(2),
    /** A path that tries to leave the principal's namespace ({@code ..}, NUL, backslashes). */
    PATH_ESCAPE(3);

    private final int points;

    Offence(int points) {
        this.points = points;
    }

    public int points() {
        return points;
    }
}
