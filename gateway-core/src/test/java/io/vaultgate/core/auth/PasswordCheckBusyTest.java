package io.vaultgate.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.admin.IncidentResponse;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditingAuthenticator;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.audit.AuditRecord;
import io.vaultgate.core.catalog.AccountRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.OperatorRepository;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.catalog.TokenRepository;
import io.vaultgate.core.defender.Defender;
import io.vaultgate.core.defender.DefenderPolicy;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A password refused unchecked because every permitted check stayed busy (a flood of logins) is no wrong password:
 * it is refused and audited with its own reason, but it counts towards no lockout and scores nothing against its
 * source, so a flood from elsewhere can neither lock a user out nor get the user's address banned, and it is the same
 * whether the name exists. Checks waiting for a
 * permit hold no catalog connection, so such a flood does not stall the catalog.
 */
class PasswordCheckBusyTest {

    private static final char[] PASSWORD = "correct horse battery".toCharArray();
    private static final int FAILURES = DefenderPolicy.defaults().lockoutFailures();
    /** More password logins at once than any catalog pool has connections (SQLite 8, PostgreSQL 10 by default). */
    private static final int LOGINS = 32;

    @TempDir
    Path home;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T12:00:00Z"));
    /** The hasher's only permit, which the test holds to make every check find it busy. */
    private final DerivationPermits permits = new DerivationPermits(1, Duration.ofMillis(20));
    private final List<AuditEvent> audited = new CopyOnWriteArrayList<>();
    private TestCore test;
    private Authenticator auth;

    @BeforeEach
    void accountBehindOnePasswordCheckAtATime() {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64), clock);
        test.core().administration().createTenant(TenantId.of("acme"), "Acme", true);
        test.core().administration().createAccount(TenantId.of("acme"), "acme-up");
        test.core().administration().setPassword("acme-up", PASSWORD);
        auth = chain(permits);
    }

    /** The core's authenticators as {@code GatewayCore.assemble} chains them, over a hasher with these permits. */
    private Authenticator chain(DerivationPermits checks) {
        IncidentResponse incidents = test.core().incidents();
        CatalogAuthenticator catalog = new CatalogAuthenticator(test.database(), new TenantRepository(),
                new AccountRepository(), new OperatorRepository(), new TokenRepository(),
                new PasswordHasher(new SecureRandom(), checks), clock, Optional.of(incidents.lockouts()),
                Optional.of(incidents.mfa()));
        AccountRepository accounts = new AccountRepository();
        return new DefendingAuthenticator(new AuditingAuthenticator(catalog, recording(),
                username -> test.database().read(jdbc -> accounts.findByUsername(jdbc, username)).map(Account::tenant),
                clock), test.core().authenticator().access());
    }

    @AfterEach
    void close() {
        test.close();
    }

    @Test
    void busyRefusals_lockNobodyOut_andTheRightPasswordWorksOnceAPermitIsFree() {
        assertThat(permits.acquire()).as("every permitted check running").isTrue();
        for (int i = 0; i < FAILURES + 2; i++) {
            char[] tried = i % 2 == 0 ? PASSWORD : ("wrong " + i).toCharArray();
            assertThat(auth.byPassword("acme-up", tried, Protocol.SFTP, "198.51.100." + (i + 1)))
                    .as("attempt %d", i + 1)
                    .isEqualTo(new AuthResult.Failure("acme-up", AuthFailure.PASSWORD_CHECK_BUSY));
        }
        assertThat(test.core().incidents().lockouts().locked()).as("no name locked").isEmpty();
        permits.release();

        assertThat(auth.byPassword("acme-up", PASSWORD, Protocol.SFTP, "203.0.113.9"))
                .isInstanceOf(AuthResult.Success.class);
        assertThat(audited).filteredOn(AuditEvent.AuthFailed.class::isInstance).hasSize(FAILURES + 2)
                .allSatisfy(event -> assertThat(((AuditEvent.AuthFailed) event).reason())
                        .isEqualTo(AuthFailure.PASSWORD_CHECK_BUSY));
    }

    /**
     * A flood from elsewhere keeps every check busy: a user retrying with the right password through it (HTTPS says
     * to retry after a second) is refused each time, but not banned for it (review: before, the 15th such retry
     * banned the user's own address), and the refusal is the same whether the name exists.
     */
    @Test
    void busyRefusals_doNotTellWhetherTheNameExists_andBanNobody() {
        Defender defender = test.core().incidents().defender();
        assertThat(permits.acquire()).isTrue();
        int threshold = defender.policy().banThreshold();
        for (int attempt = 1; attempt <= 2 * threshold; attempt++) {
            assertThat(auth.byPassword("nobody-" + attempt, PASSWORD, Protocol.SFTP, "192.0.2.1"))
                    .isEqualTo(new AuthResult.Failure("nobody-" + attempt, AuthFailure.PASSWORD_CHECK_BUSY));
            assertThat(auth.byPassword("acme-up", PASSWORD, Protocol.SFTP, "192.0.2.2"))
                    .isEqualTo(new AuthResult.Failure("acme-up", AuthFailure.PASSWORD_CHECK_BUSY));
        }
        assertThat(defender.admits("192.0.2.1", "connect")).as("unknown names, busy").isTrue();
        assertThat(defender.admits("192.0.2.2", "connect")).as("the right password, busy").isTrue();
        permits.release();

        for (int attempt = 1; attempt <= threshold; attempt++) {
            assertThat(auth.byPassword("acme-up", ("wrong " + attempt).toCharArray(), Protocol.SFTP, "192.0.2.3"))
                    .isInstanceOf(AuthResult.Failure.class);
        }
        assertThat(defender.admits("192.0.2.3", "connect")).as("checked wrong passwords still ban").isFalse();
    }

    @Test
    void passwordChecksWaitingForAPermit_holdNoCatalogConnection() throws Exception {
        DerivationPermits slow = new DerivationPermits(1, Duration.ofSeconds(5));
        Authenticator waiting = chain(slow);
        assertThat(slow.acquire()).isTrue();
        ExecutorService threads = Executors.newFixedThreadPool(LOGINS);
        try {
            List<Future<AuthResult>> logins = new ArrayList<>();
            for (int i = 0; i < LOGINS; i++) {
                String source = "198.51.100." + (i + 1);
                logins.add(threads.submit(() -> waiting.byPassword("acme-up", PASSWORD, Protocol.SFTP, source)));
            }
            Thread.sleep(1_000); // each has read its account's hash by now, and waits for the permit

            long started = System.nanoTime();
            Optional<Account> read = test.database().read(jdbc -> new AccountRepository().findByUsername(jdbc,
                    "acme-up"));
            assertThat(read).isPresent();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
                    .as("ms for a catalog read while %d password checks wait for a permit", LOGINS).isLessThan(1_000);
            for (Future<AuthResult> login : logins) {
                assertThat(login.get(60, TimeUnit.SECONDS))
                        .isEqualTo(new AuthResult.Failure("acme-up", AuthFailure.PASSWORD_CHECK_BUSY));
            }
        } finally {
            slow.release();
            threads.shutdownNow();
        }
    }

    /** The core's audit log, keeping a copy of each event appended. */
    private AuditLog recording() {
        AuditLog log = test.core().audit();
        return new AuditLog() {
            @Override
            public AuditRecord append(AuditEvent event) {
                audited.add(event);
                return log.append(event);
            }

            @Override
            public AuditRecord append(Jdbc jdbc, AuditEvent event) throws SQLException {
                audited.add(event);
                return log.append(jdbc, event);
            }
        };
    }
}
