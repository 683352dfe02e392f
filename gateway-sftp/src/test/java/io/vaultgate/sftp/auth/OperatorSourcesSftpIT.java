package io.vaultgate.sftp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.testing.AuthFailureCounts;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site's operators log in over SFTP only from the site's networks ({@code vaultgate site set SITE
 * --allow-sources}): a real MINA client whose socket is bound to a listed loopback address (127.0.0.2) logs in with
 * the operator's key, one bound to an unlisted one (127.0.0.3) is refused with the answers of a wrong key, audited
 * {@code auth.failed} {@code SOURCE_NOT_ALLOWED} and counted {@code sftp/source_not_allowed}, as a client outside its
 * tenant's allowlist is. Before, an operator's key logged in from anywhere (review33 M1).
 */
class OperatorSourcesSftpIT {

    @TempDir
    Path directory;

    @Test
    void anOperatorsKey_logsInFromTheSitesNetworksOnly() throws Exception {
        try (AccessFixture gateway = AccessFixture.start(directory, AccessPolicy.defaults())) {
            KeyPair key = gateway.operator("manila-op");
            gateway.core().sites().setAllowedSources("manila", List.of(Cidr.parse("127.0.0.2/32")));
            AuthFailureCounts counts = new AuthFailureCounts(gateway.core().metrics().registry());

            try (ClientSession session = gateway.login("127.0.0.2", "manila-op", key)) {
                assertThat(session.isAuthenticated()).as("from the listed address").isTrue();
            }
            AuthFailureCounts.Change<Throwable> refused = counts.during(() -> {
                try (ClientSession session = gateway.login("127.0.0.3", "manila-op", key)) {
                    return null;
                } catch (Exception e) {
                    return e;
                }
            });
            assertThat(refused.answer()).as("refused from the unlisted address").isNotNull();
            assertThat(refused.increase()).containsEntry("sftp/source_not_allowed", 1.0);
            assertThat(gateway.auditEvents()).anySatisfy(event -> assertThat(event)
                    .contains("auth.failed", "manila-op", "127.0.0.3", "SOURCE_NOT_ALLOWED"));

            gateway.core().sites().setAllowedSources("manila", List.of());
            try (ClientSession session = gateway.login("127.0.0.3", "manila-op", key)) {
                assertThat(session.isAuthenticated()).as("the list cleared: any address").isTrue();
            }
        }
    }

    @Test
    void aClientOfATenant_isNotBoundByTheSitesList() throws Exception {
        try (AccessFixture gateway = AccessFixture.start(directory, AccessPolicy.defaults())) {
            gateway.operator("manila-op");
            KeyPair alice = gateway.client("alice");
            gateway.core().sites().setAllowedSources("manila", List.of(Cidr.parse("127.0.0.2/32")));

            try (ClientSession session = gateway.login("127.0.0.3", "alice", alice)) {
                assertThat(session.isAuthenticated()).isTrue();
            }
            KeyPair stranger = gateway.strangerKey("stranger");
            assertThatThrownBy(() -> gateway.login("127.0.0.3", "manila-op", stranger).close())
                    .as("a wrong key from outside: refused all the same").isInstanceOf(Exception.class);
        }
    }
}
