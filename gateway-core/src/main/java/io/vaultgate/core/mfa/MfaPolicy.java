package io.vaultgate.core.mfa;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Which roles need a TOTP code besides their credential, and the limits of the codes and of the short-lived
 * HTTPS tokens issued after a TOTP check.
 *
 * @param requiredFor  roles that must pass TOTP: over SFTP a keyboard-interactive step after the public key,
 *                     over HTTPS only short-lived tokens from {@code POST /v1/auth/token} are accepted
 * @param window       steps of {@value Totp#STEP_SECONDS} s accepted on either side of now (clock skew)
 * @param tokenLifetime how long a token issued after a TOTP check is valid
 * @param issuer       the issuer shown by authenticator apps
 */
public record MfaPolicy(Set<Role> requiredFor, int window, Duration tokenLifetime, String issuer) {

    public MfaPolicy {
        requiredFor = requiredFor.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(requiredFor));
        if (window < 0 || window > 2) {
            throw new IllegalArgumentException("mfa.window: 0-2 steps, got " + window);
        }
        Objects.requireNonNull(tokenLifetime, "mfa.token-lifetime");
        if (tokenLifetime.isNegative() || tokenLifetime.isZero() || tokenLifetime.compareTo(Duration.ofHours(12)) > 0) {
            throw new IllegalArgumentException("mfa.token-lifetime: between 1s and 12h, got " + tokenLifetime);
        }
        if (issuer == null || issuer.isBlank() || issuer.contains(":")) {
            throw new IllegalArgumentException("mfa.issuer: a name without ':', got \"" + issuer + "\"");
        }
    }

    /** No role required; ±1 step; tokens for 15 minutes; issuer Vaultgate. */
    public static MfaPolicy defaults() {
        return new MfaPolicy(Set.of(), 1, Duration.ofMinutes(15), "Vaultgate");
    }

    public MfaPolicy requiring(Set<Role> roles) {
        return new MfaPolicy(roles, window, tokenLifetime, issuer);
    }

    public boolean requires(Role role) {
        return requiredFor.contains(role);
    }
}
