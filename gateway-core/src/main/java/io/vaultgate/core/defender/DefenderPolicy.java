package io.vaultgate.core.defender;

import io.vaultgate.core.tenant.Cidr;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The defender's rules, validated when built. A source address scoring {@code banThreshold} points of
 * {@link Offence}s within {@code observationWindow} is banned for {@code banTime}; each further ban of the
 * same address (before its record is forgotten, {@code forgetAfter} after the last ban ended) lasts
 * {@code banMultiplier} times longer, up to {@code maxBanTime}. An account's logins by password lock after
 * {@code lockoutFailures} consecutive failures for {@code lockoutTime} (PCI DSS 8.3.4 asks for at most 10
 * and at least 30 minutes); {@code keyLogins} says whether key, certificate and token failures count too.
 *
 * @param enabled          false turns off scoring and bans; allow and deny lists and lockouts still apply
 * @param allow            when not empty, only these networks may connect at all
 * @param deny             these networks are always refused, before any crypto
 * @param exempt           these networks are never banned (monitoring, a trusted NAT); lockouts still apply
 * @param refreshInterval  how often each node reloads bans from the catalog (at most 1 s)
 */
public record DefenderPolicy(boolean enabled, int banThreshold, Duration observationWindow, Duration banTime,
                             int banMultiplier, Duration maxBanTime, Duration forgetAfter, int lockoutFailures,
                             Duration lockoutTime, KeyLoginPolicy keyLogins, List<Cidr> allow, List<Cidr> deny,
                             List<Cidr> exempt, Duration refreshInterval) {

    public DefenderPolicy {
        require(banThreshold >= 1, "defender.ban-threshold: at least 1, got " + banThreshold);
        positive("defender.observation-window", observationWindow);
        positive("defender.ban-time", banTime);
        require(banMultiplier >= 1 && banMultiplier <= 100, "defender.ban-multiplier: 1-100, got " + banMultiplier);
        positive("defender.max-ban-time", maxBanTime);
        require(maxBanTime.compareTo(banTime) >= 0, "defender.max-ban-time: must be at least defender.ban-time ("
                + banTime + "), got " + maxBanTime);
        positive("defender.forget-after", forgetAfter);
        require(lockoutFailures >= 1 && lockoutFailures <= 10, "defender.lockout-failures: 1-10 (PCI DSS 8.3.4 "
                + "allows at most 10), got " + lockoutFailures);
        positive("defender.lockout-time", lockoutTime);
        Objects.requireNonNull(keyLogins, "defender.key-logins");
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
        exempt = List.copyOf(exempt);
        positive("defender.refresh-interval", refreshInterval);
        require(refreshInterval.compareTo(Duration.ofSeconds(1)) <= 0,
                "defender.refresh-interval: at most 1s so bans reach every node within 2 s, got " + refreshInterval);
    }

    /** Scores and bans on; 15 points in 10 minutes ban for 15 minutes, doubling up to a day; lockout after 10
     * password failures for 30 minutes; no address lists. */
    public static DefenderPolicy defaults() {
        return new DefenderPolicy(true, 15, Duration.ofMinutes(10), Duration.ofMinutes(15), 2, Duration.ofDays(1),
                Duration.ofDays(7), 10, Duration.ofMinutes(30), KeyLoginPolicy.IGNORE, List.of(), List.of(),
                List.of(), Duration.ofSeconds(1));
    }

    public DefenderPolicy withBans(int threshold, Duration ban, Duration maxBan) {
        return new DefenderPolicy(enabled, threshold, observationWindow, ban, banMultiplier, maxBan, forgetAfter,
                lockoutFailures, lockoutTime, keyLogins, allow, deny, exempt, refreshInterval);
    }

    public DefenderPolicy withLockout(int failures, Duration time, KeyLoginPolicy keys) {
        return new DefenderPolicy(enabled, banThreshold, observationWindow, banTime, banMultiplier, maxBanTime,
                forgetAfter, failures, time, keys, allow, deny, exempt, refreshInterval);
    }

    public DefenderPolicy withLists(List<Cidr> allowed, List<Cidr> denied, List<Cidr> exempted) {
        return new DefenderPolicy(enabled, banThreshold, observationWindow, banTime, banMultiplier, maxBanTime,
                forgetAfter, lockoutFailures, lockoutTime, keyLogins, allowed, denied, exempted, refreshInterval);
    }

    /** How long the {@code level}-th ban (1 for the first) of one address lasts. */
    public Duration banTimeFor(int level) {
        Duration time = banTime;
        for (int i = 1; i < level && time.compareTo(maxBanTime) < 0; i++) {
            time = time.multipliedBy(banMultiplier);
        }
        return time.compareTo(maxBanTime) > 0 ? maxBanTime : time;
    }

    /** Whether the lists let {@code address} connect (ignoring bans). */
    public boolean listsAdmit(InetAddress address) {
        if (deny.stream().anyMatch(cidr -> cidr.contains(address))) {
            return false;
        }
        return allow.isEmpty() || allow.stream().anyMatch(cidr -> cidr.contains(address));
    }

    public boolean isExempt(InetAddress address) {
        return exempt.stream().anyMatch(cidr -> cidr.contains(address));
    }

    private static void positive(String key, Duration value) {
        Objects.requireNonNull(value, key);
        require(!value.isNegative() && !value.isZero(), key + ": must be positive, got " + value);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
