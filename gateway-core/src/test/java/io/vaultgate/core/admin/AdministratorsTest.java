package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ApiTokens;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An administrator's token is a credential like any other: it can be replaced, revoked and removed with its holder;
 * nothing an administrator held outlives it, and the last administrator stays.
 */
class AdministratorsTest {

    @TempDir
    Path home;
    private TestCore test;
    private Administrators administrators;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        administrators = test.core().incidents().administrators();
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void rotatingAToken_refusesEveryOldOne_acceptsTheNewOne_andIsAudited() {
        String first = administrators.add("root", "cli");
        String second = test.core().incidents().administrators().rotateToken("root", "routine", "cli").token();

        RotatedToken rotated = administrators.rotateToken("root", "pasted into a ticket", "cli");

        assertThat(rotated.revoked()).hasSize(1);
        assertThat(login(first)).isInstanceOf(AuthResult.Failure.class);
        assertThat(login(second)).isInstanceOf(AuthResult.Failure.class);
        assertThat(login(rotated.token())).isInstanceOfSatisfying(AuthResult.Success.class,
                success -> assertThat(success.principal().name()).isEqualTo("root"));
        assertThat(administrators.list()).singleElement().satisfies(admin -> assertThat(admin.liveTokens()).isOne());
        assertThat(events()).anySatisfy(event -> assertThat(event).contains("root").contains("pasted into a ticket"));
    }

    @Test
    void anAdministratorsLeakedToken_isRevokedLikeAnAccountsOrOperators() {
        String token = administrators.add("root", "cli");

        test.core().incidents().revocation().revokeToken("root", token, "leaked in a backup", "cli");

        assertThat(login(token)).isInstanceOf(AuthResult.Failure.class);
        assertThat(administrators.list()).singleElement().satisfies(admin -> assertThat(admin.liveTokens()).isZero());
    }

    @Test
    void aRemovedAdministrator_cannotLogIn_butTheLastOneCannotBeRemoved() {
        String root = administrators.add("root", "cli");
        String alice = administrators.add("alice", "cli");

        administrators.remove("alice", "left the company", "root");

        assertThat(login(alice)).isInstanceOf(AuthResult.Failure.class);
        assertThat(administrators.list()).extracting(Administrators.Admin::name).containsExactly("root");
        assertRefused(() -> administrators.remove("root", "oops", "cli"), Reason.CONFLICT);
        assertThat(login(root)).isInstanceOf(AuthResult.Success.class);
        assertRefused(() -> administrators.remove("alice", "again", "cli"), Reason.NOT_FOUND);
        assertThat(events()).anySatisfy(event -> assertThat(event).contains("administrator alice: left the company"));
    }

    @Test
    void theFirstAdministrator_isCreatedOnlyWhileThereIsNone_whateverItsName() {
        Optional<String> first = administrators.addFirst("admin", "cli");

        assertThat(first).hasValueSatisfying(token -> assertThat(login(token)).isInstanceOf(AuthResult.Success.class));
        assertThat(administrators.addFirst("admin", "cli")).isEmpty();
        administrators.add("root", "cli");
        administrators.remove("admin", "replaced by root", "cli");
        assertThat(administrators.addFirst("admin", "cli")).as("a removed first administrator stays removed").isEmpty();
        assertThat(administrators.list()).extracting(Administrators.Admin::name).containsExactly("root");
    }

    @Test
    void firstAdministrators_createdAtOnce_makeOne() throws Exception {
        CompletableFuture<Optional<String>> one = CompletableFuture.supplyAsync(() -> administrators.addFirst("admin",
                "node-1"));
        CompletableFuture<Optional<String>> other = CompletableFuture.supplyAsync(() -> administrators.addFirst(
                "admin", "node-2"));

        List<Optional<String>> tokens = List.of(one.get(30, TimeUnit.SECONDS), other.get(30, TimeUnit.SECONDS));

        assertThat(tokens.stream().filter(Optional::isPresent)).hasSize(1);
        assertThat(administrators.list()).singleElement().satisfies(admin -> assertThat(admin.liveTokens()).isOne());
    }

    @Test
    void aTokenOfNoAdministrator_isRefused() {
        String token = ApiTokens.generate(new java.security.SecureRandom());
        test.database().inTransaction(jdbc -> jdbc.update("INSERT INTO api_tokens (token_hash, principal_kind, "
                + "principal_id, label, created_at) VALUES (?, 'admin', 'ghost', 'admin', 0)", ApiTokens.hash(token)));

        assertThat(login(token)).isInstanceOf(AuthResult.Failure.class);
    }

    @Test
    void namesAreUnique_andWellFormed() {
        administrators.add("root", "cli");

        assertRefused(() -> administrators.add("root", "cli"), Reason.CONFLICT);
        assertRefused(() -> administrators.add("Root Admin", "cli"), Reason.INVALID_REQUEST);
        assertRefused(() -> administrators.rotateToken("nobody", "why", "cli"), Reason.NOT_FOUND);
    }

    @Test
    void administratorsShareOneNamespace_withAccountsAndOperators() {
        test.client("acme", "acme-upload", Protocol.SFTP);
        test.operator("manila", "maria", Protocol.SFTP);
        administrators.add("root", "cli");

        assertRefused(() -> administrators.add("acme-upload", "cli"), Reason.CONFLICT);
        assertRefused(() -> administrators.add("maria", "cli"), Reason.CONFLICT);
        assertRefused(() -> test.operator("manila", "root", Protocol.SFTP), Reason.CONFLICT);
        assertRefused(() -> test.client("acme", "root", Protocol.SFTP), Reason.CONFLICT);
        assertThat(administrators.list()).extracting(Administrators.Admin::name).containsExactly("root");
    }

    private AuthResult login(String token) {
        return test.core().authenticator().byToken(token, Protocol.HTTPS, "127.0.0.1");
    }

    private static void assertRefused(ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }

    private List<String> events() {
        return test.database().read(jdbc -> jdbc.query("SELECT event FROM audit_events WHERE kind = 'admin.change' "
                + "ORDER BY seq", row -> row.getString(1)));
    }
}
