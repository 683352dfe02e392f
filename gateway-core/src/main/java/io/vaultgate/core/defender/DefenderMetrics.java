package io.vaultgate.core.defender;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/**
 * The defender's meters, all {@code vaultgate_defender_*} (see docs/access-control.md): bans by trigger,
 * unbans, connections and logins refused because of a ban or an address list, account lockouts, and the
 * number of addresses banned now.
 */
final class DefenderMetrics {

    private final MeterRegistry registry;

    DefenderMetrics(MeterRegistry registry, Supplier<Number> bannedNow) {
        this.registry = registry;
        io.micrometer.core.instrument.Gauge.builder("vaultgate.defender.banned.addresses", bannedNow)
                .description("source addresses banned now, as this node's cache knows them").register(registry);
        bans("automatic");
        bans("manual");
        counter("vaultgate.defender.unbans", "bans lifted by an administrator");
        counter("vaultgate.defender.lockouts", "account logins locked after too many failures");
        refused("connect");
        refused("login");
    }

    /** {@code trigger}: automatic (scored offences) or manual (an administrator). */
    void banned(String trigger) {
        bans(trigger).increment();
    }

    void unbanned() {
        counter("vaultgate.defender.unbans", "bans lifted by an administrator").increment();
    }

    void lockedOut() {
        counter("vaultgate.defender.lockouts", "account logins locked after too many failures").increment();
    }

    /** {@code stage}: connect (refused before any crypto) or login (refused at authentication). */
    void refusedAt(String stage) {
        refused(stage).increment();
    }

    private Counter bans(String trigger) {
        return Counter.builder("vaultgate.defender.bans").description("source addresses banned")
                .tag("trigger", trigger).register(registry);
    }

    private Counter refused(String stage) {
        return Counter.builder("vaultgate.defender.refused")
                .description("connections and logins refused because of a ban or an address list")
                .tag("stage", stage).register(registry);
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).register(registry);
    }
}
