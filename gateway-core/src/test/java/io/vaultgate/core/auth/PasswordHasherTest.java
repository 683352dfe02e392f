package io.vaultgate.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.testing.CatalogIndependent;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@CatalogIndependent
class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher(new SecureRandom());

    @Test
    void rightPassword_verifies_wrongOneDoesNot() {
        String hash = hasher.hash("correct horse battery".toCharArray());
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(hasher.verify("correct horse battery".toCharArray(), hash)).isTrue();
        assertThat(hasher.verify("correct horse batterY".toCharArray(), hash)).isFalse();
    }

    @Test
    void samePassword_hashesDifferentlyEachTime() {
        assertThat(hasher.hash("p".toCharArray())).isNotEqualTo(hasher.hash("p".toCharArray()));
    }

    @Test
    void malformedStoredHash_neverMatches() {
        assertThat(hasher.verify("p".toCharArray(), "")).isFalse();
        assertThat(hasher.verify("p".toCharArray(), "$argon2i$v=19$m=8,t=1,p=1$AAAA$AAAA")).isFalse();
        assertThat(hasher.verify("p".toCharArray(), "$argon2id$v=19$x=8,t=1,p=1$AAAA$AAAA")).isFalse();
        assertThat(hasher.verify("p".toCharArray(), "$argon2id$v=19$m=8,t=1,p=1$!!$AAAA")).isFalse();
    }

    @Test
    void whenEveryPermittedCheckIsRunning_aFurtherCheckWaitsBriefly_thenIsRefusedUnchecked() {
        DerivationPermits permits = new DerivationPermits(2, Duration.ofMillis(300));
        PasswordHasher bounded = new PasswordHasher(new SecureRandom(), permits);
        String hash = bounded.hash("correct horse battery".toCharArray());
        assertThat(permits.acquire()).isTrue();
        assertThat(permits.acquire()).as("two checks running").isTrue();

        long started = System.nanoTime();
        assertThat(bounded.check("correct horse battery".toCharArray(), hash)).isEqualTo(PasswordHasher.Check.BUSY);
        assertThat(bounded.verify("correct horse battery".toCharArray(), hash)).as("busy is no match").isFalse();
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(waitedMs).as("two refusals, each after the 300 ms wait").isBetween(550L, 5_000L);

        permits.release();
        assertThat(bounded.check("correct horse battery".toCharArray(), hash)).isEqualTo(PasswordHasher.Check.MATCH);
        assertThat(bounded.check("wrong".toCharArray(), hash)).isEqualTo(PasswordHasher.Check.MISMATCH);
        assertThat(permits.acquire()).as("each check gave its permit back").isTrue();
    }

    @Test
    void aPermitFreedDuringTheWait_letsTheWaitingCheckRun() throws Exception {
        DerivationPermits permits = new DerivationPermits(1, Duration.ofSeconds(30));
        PasswordHasher bounded = new PasswordHasher(new SecureRandom(), permits);
        String hash = bounded.hash("correct horse battery".toCharArray());
        assertThat(permits.acquire()).isTrue();
        CompletableFuture<PasswordHasher.Check> waiting = CompletableFuture.supplyAsync(
                () -> bounded.check("correct horse battery".toCharArray(), hash));
        Thread.sleep(200);
        assertThat(waiting).as("waits while the only permit is taken").isNotDone();
        permits.release();
        assertThat(waiting.get(30, TimeUnit.SECONDS)).isEqualTo(PasswordHasher.Check.MATCH);
    }

    @Test
    void thisMachine_allowsOneCheckPerProcessor_atLeastTwo() {
        DerivationPermits permits = DerivationPermits.forThisMachine();
        int expected = Math.max(2, Runtime.getRuntime().availableProcessors());
        for (int i = 0; i < expected; i++) {
            assertThat(permits.acquire()).as("permit %d", i + 1).isTrue();
        }
        long started = System.nanoTime();
        assertThat(permits.acquire()).as("one more").isFalse();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("waited about a second")
                .isBetween(900L, 10_000L);
    }
}
