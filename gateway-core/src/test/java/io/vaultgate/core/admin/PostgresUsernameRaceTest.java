package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.PostgresDatabases;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One login name created at the same moment as a client account on one gateway node, an operator on a second, an
 * administrator on a third and an account of another tenant on the second again, on one PostgreSQL catalog where
 * the four transactions really interleave (each node its own catalog pool and connections). The name may
 * be given once: exactly one creation wins, every other is refused as CONFLICT, as it would be one after the other.
 * Checking the three tables before inserting let them all win (no unique key spans the tables), and two accounts
 * of one name failed on the accounts table's own key with an internal error.
 */
class PostgresUsernameRaceTest {

    private static final int NODES = 3;
    private static final int ROUNDS = 60;
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");
    private static final String CREATED = "created";

    @TempDir
    Path home;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<TestCore> nodes = new ArrayList<>();
    private String name;

    @BeforeEach
    void threeNodesOnOneCatalog() {
        name = PostgresDatabases.createMigrated(); // a copy of the migrated template: the test is about the race
        for (int i = 0; i < NODES; i++) {
            nodes.add(TestCore.over(home, PostgresDatabases.open(name)));
        }
        nodes.get(0).core().administration().createTenant(ACME, "Acme", false);
        nodes.get(0).core().administration().createTenant(GLOBEX, "Globex", false);
        nodes.get(0).core().sites().createSite("manila", "Manila processing");
    }

    @AfterEach
    void stopNodes() {
        threads.shutdownNow();
        nodes.forEach(TestCore::close);
        PostgresDatabases.drop(name);
    }

    @Test
    void anAccountAnOperatorAndAnAdministratorOfOneName_createdAtOnceOnThreeNodes_oneWins() throws Exception {
        List<String> violations = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            String login = "race-" + round;
            List<String> outcomes = race(
                    () -> nodes.get(0).core().administration().createAccount(ACME, login),
                    () -> nodes.get(1).core().sites().createOperator("manila", login),
                    () -> nodes.get(2).core().incidents().administrators().add(login, "cli"),
                    () -> nodes.get(1).core().administration().createAccount(GLOBEX, login));

            long won = outcomes.stream().filter(CREATED::equals).count();
            long refused = outcomes.stream().filter(Reason.CONFLICT.name()::equals).count();
            long holders = nodes.get(0).database().read(jdbc -> jdbc.count("SELECT (SELECT COUNT(*) FROM accounts WHERE "
                    + "username = ?) + (SELECT COUNT(*) FROM operators WHERE username = ?) + (SELECT COUNT(*) FROM "
                    + "admins WHERE name = ?)", login, login, login));
            if (won != 1 || refused != outcomes.size() - 1 || holders != 1) {
                violations.add(login + ": " + outcomes + ", held by " + holders + " principal(s)");
            }
        }
        assertThat(violations).as("rounds (of %d) in which the name was not given exactly once, the others "
                + "refused as CONFLICT; outcomes are account/acme, operator, admin, account/globex", ROUNDS).isEmpty();
        long recorded = nodes.get(0).database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM usernames WHERE name LIKE "
                + "'race-%'"));
        assertThat(recorded).as("one usernames row per name").isEqualTo(ROUNDS);
    }

    /** The outcome of each change, all started at once: {@value #CREATED}, a refusal's reason, or what failed. */
    private List<String> race(Runnable... changes) throws Exception {
        CyclicBarrier start = new CyclicBarrier(changes.length);
        List<Future<String>> running = new ArrayList<>();
        for (Runnable change : changes) {
            Callable<String> attempt = () -> {
                start.await(30, TimeUnit.SECONDS);
                try {
                    change.run();
                    return CREATED;
                } catch (GatewayException e) {
                    return e.reason().name();
                } catch (RuntimeException e) {
                    return e.getClass().getSimpleName() + " " + e.getMessage();
                }
            };
            running.add(threads.submit(attempt));
        }
        List<String> outcomes = new ArrayList<>();
        for (Future<String> outcome : running) {
            outcomes.add(outcome.get(60, TimeUnit.SECONDS));
        }
        return outcomes;
    }
}
