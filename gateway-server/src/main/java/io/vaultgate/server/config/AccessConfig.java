package io.vaultgate.server.config;

import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.auth.AdminSources;
import io.vaultgate.core.defender.DefenderPolicy;
import io.vaultgate.core.defender.KeyLoginPolicy;
import io.vaultgate.core.mfa.MfaPolicy;
import io.vaultgate.core.mfa.Role;
import io.vaultgate.core.tenant.Cidr;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Who may get in ({@code access.*}): the login banner, the live-session check, the networks administrators' tokens
 * are accepted from, the brute-force defender and the MFA policy. Lists are comma-separated strings, so they can be
 * set from the environment and {@code --set} too. See docs/access-control.md.
 *
 * @param banner       text shown before login over SSH and at {@code GET /v1/auth/banner}; empty for none
 * @param sessionCheck how often live sessions are checked against lockdowns and revocations (at most 500ms)
 * @param adminSources comma-separated CIDRs an administrator's token is accepted from (admin API, token exchange, ops
 *                     listener); at least one, loopback by default
 */
public record AccessConfig(String banner, Duration sessionCheck, String adminSources, Defender defender, Mfa mfa) {

    /** The default of {@code access.admin-sources}: the gateway's host only. */
    static final String LOOPBACK = "127.0.0.0/8, ::1";

    public AccessConfig {
        Require.present("access.banner", banner);
        Require.between("access.session-check", sessionCheck, Duration.ofMillis(10), Duration.ofMillis(500));
        adminSources(Require.present("access.admin-sources", adminSources));
        Require.present("access.defender", defender);
        Require.present("access.mfa", mfa);
        if (banner.length() > AccessPolicy.MAX_BANNER_LENGTH) {
            throw new ConfigException("access.banner", "longer than " + AccessPolicy.MAX_BANNER_LENGTH
                    + " characters", "shorten it");
        }
    }

    public static AccessConfig defaults() {
        return new AccessConfig("", Duration.ofMillis(500), LOOPBACK, Defender.defaults(), Mfa.defaults());
    }

    /** The core's policy; an invalid combination names the key to fix. */
    public AccessPolicy policy() {
        try {
            return new AccessPolicy(defender.policy(), mfa.policy(), Optional.of(banner), sessionCheck,
                    adminSources(adminSources));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("access", e.getMessage(), "see docs/access-control.md");
        }
    }

    /** {@code access.admin-sources} as the core takes it; none at all is refused, naming what admits any address. */
    private static AdminSources adminSources(String text) {
        List<Cidr> networks = Defender.cidrs("access.admin-sources", text);
        if (networks.isEmpty()) {
            throw new ConfigException("access.admin-sources", "no network given, so no administrator could log in",
                    "give the admin networks as comma-separated CIDRs (default " + LOOPBACK + "); 0.0.0.0/0, ::/0 "
                            + "admits any address");
        }
        return new AdminSources(networks);
    }

    /**
     * {@code access.defender.*}: scores, escalating bans, lockouts (PCI DSS 8.3.4: at most 10 failures, at least
     * 30 minutes) and address lists (comma-separated CIDRs).
     */
    public record Defender(boolean enabled, int banThreshold, Duration observationWindow, Duration banTime,
                           int banMultiplier, Duration maxBanTime, Duration forgetAfter, int lockoutFailures,
                           Duration lockoutTime, String keyLogins, String allow, String deny, String exempt) {

        public Defender {
            Require.between("access.defender.ban-threshold", banThreshold, 1, 10_000);
            Require.between("access.defender.observation-window", observationWindow, Duration.ofSeconds(1),
                    Duration.ofDays(1));
            Require.between("access.defender.ban-time", banTime, Duration.ofSeconds(1), Duration.ofDays(30));
            Require.between("access.defender.ban-multiplier", banMultiplier, 1, 100);
            Require.between("access.defender.max-ban-time", maxBanTime, banTime, Duration.ofDays(365));
            Require.between("access.defender.forget-after", forgetAfter, Duration.ofMinutes(1), Duration.ofDays(365));
            Require.between("access.defender.lockout-failures", lockoutFailures, 1, 10);
            Require.between("access.defender.lockout-time", lockoutTime, Duration.ofMinutes(30), Duration.ofDays(30));
            keyLoginPolicy(Require.present("access.defender.key-logins", keyLogins));
            cidrs("access.defender.allow", Require.present("access.defender.allow", allow));
            cidrs("access.defender.deny", Require.present("access.defender.deny", deny));
            cidrs("access.defender.exempt", Require.present("access.defender.exempt", exempt));
        }

        public static Defender defaults() {
            DefenderPolicy d = DefenderPolicy.defaults();
            return new Defender(d.enabled(), d.banThreshold(), d.observationWindow(), d.banTime(), d.banMultiplier(),
                    d.maxBanTime(), d.forgetAfter(), d.lockoutFailures(), d.lockoutTime(), "ignore", "", "", "");
        }

        DefenderPolicy policy() {
            return new DefenderPolicy(enabled, banThreshold, observationWindow, banTime, banMultiplier, maxBanTime,
                    forgetAfter, lockoutFailures, lockoutTime, keyLoginPolicy(keyLogins),
                    cidrs("access.defender.allow", allow), cidrs("access.defender.deny", deny),
                    cidrs("access.defender.exempt", exempt), Duration.ofSeconds(1));
        }

        private static KeyLoginPolicy keyLoginPolicy(String text) {
            for (KeyLoginPolicy policy : KeyLoginPolicy.values()) {
                if (policy.name().equalsIgnoreCase(text.strip())) {
                    return policy;
                }
            }
            throw new ConfigException("access.defender.key-logins", "unknown value \"" + text + "\"",
                    "allowed: ignore, lock");
        }

        private static List<Cidr> cidrs(String key, String text) {
            try {
                return Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(Cidr::parse)
                        .toList();
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, e.getMessage(), "give comma-separated CIDRs such as "
                        + "10.0.0.0/8, 2001:db8::/32");
            }
        }
    }

    /**
     * {@code access.mfa.*}: roles that need a TOTP code (comma-separated: operator, admin, client), the accepted
     * clock skew in 30-second steps, and the lifetime of tokens issued after a TOTP check.
     */
    public record Mfa(String requiredFor, int window, Duration tokenLifetime, String issuer) {

        public Mfa {
            roles(Require.present("access.mfa.required-for", requiredFor));
            Require.between("access.mfa.window", window, 0, 2);
            Require.between("access.mfa.token-lifetime", tokenLifetime, Duration.ofMinutes(1), Duration.ofHours(12));
            if (issuer == null || issuer.isBlank() || issuer.contains(":")) {
                throw new ConfigException("access.mfa.issuer", "\"" + issuer + "\" is not usable",
                        "give a name without ':' (authenticator apps show it)");
            }
        }

        public static Mfa defaults() {
            MfaPolicy m = MfaPolicy.defaults();
            return new Mfa("", m.window(), m.tokenLifetime(), m.issuer());
        }

        MfaPolicy policy() {
            return new MfaPolicy(roles(requiredFor), window, tokenLifetime, issuer);
        }

        private static Set<Role> roles(String text) {
            Set<Role> roles = EnumSet.noneOf(Role.class);
            for (String part : text.split(",")) {
                String name = part.strip().toUpperCase(Locale.ROOT);
                if (name.isEmpty()) {
                    continue;
                }
                try {
                    roles.add(Role.valueOf(name));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("access.mfa.required-for", "unknown role \"" + part.strip() + "\"",
                            "allowed: operator, admin, client (comma-separated)");
                }
            }
            return roles;
        }
    }
}
