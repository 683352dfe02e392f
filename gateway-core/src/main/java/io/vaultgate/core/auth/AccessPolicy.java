package io.vaultgate.core.auth;

import io.vaultgate.core.defender.DefenderPolicy;
import io.vaultgate.core.mfa.MfaPolicy;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may get in and how they are got out: the defender's rules, the MFA policy, the login banner every
 * front-end shows, how often live sessions are checked against lockdowns and revocations, and the networks
 * administrators' tokens are accepted from.
 *
 * @param banner        text shown before login (SSH) and on the HTTPS banner endpoint; empty for none
 * @param sessionCheck  interval of the live-session check, at most 500 ms
 * @param adminSources  the networks an administrator's token is accepted from
 */
public record AccessPolicy(DefenderPolicy defender, MfaPolicy mfa, Optional<String> banner, Duration sessionCheck,
                           AdminSources adminSources) {

    public static final int MAX_BANNER_LENGTH = 4096;

    public AccessPolicy {
        Objects.requireNonNull(defender, "defender");
        Objects.requireNonNull(mfa, "mfa");
        banner = Objects.requireNonNull(banner, "banner").filter(text -> !text.isBlank());
        if (banner.isPresent() && banner.get().length() > MAX_BANNER_LENGTH) {
            throw new IllegalArgumentException("banner.text: at most " + MAX_BANNER_LENGTH + " characters, got "
                    + banner.get().length());
        }
        if (banner.isPresent() && banner.get().chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\t')) {
            throw new IllegalArgumentException("banner.text: control characters other than newline and tab are "
                    + "not allowed (they could rewrite a client's terminal)");
        }
        Objects.requireNonNull(sessionCheck, "sessionCheck");
        if (sessionCheck.isNegative() || sessionCheck.isZero() || sessionCheck.toMillis() > 500) {
            throw new IllegalArgumentException("access.session-check: between 1ms and 500ms, got " + sessionCheck);
        }
        Objects.requireNonNull(adminSources, "adminSources");
    }

    public static AccessPolicy defaults() {
        return new AccessPolicy(DefenderPolicy.defaults(), MfaPolicy.defaults(), Optional.empty(),
                Duration.ofMillis(500), AdminSources.LOOPBACK);
    }

    public AccessPolicy withDefender(DefenderPolicy policy) {
        return new AccessPolicy(policy, mfa, banner, sessionCheck, adminSources);
    }

    public AccessPolicy withMfa(MfaPolicy policy) {
        return new AccessPolicy(defender, policy, banner, sessionCheck, adminSources);
    }

    public AccessPolicy withBanner(String text) {
        return new AccessPolicy(defender, mfa, Optional.ofNullable(text), sessionCheck, adminSources);
    }

    public AccessPolicy withAdminSources(AdminSources sources) {
        return new AccessPolicy(defender, mfa, banner, sessionCheck, sources);
    }
}
