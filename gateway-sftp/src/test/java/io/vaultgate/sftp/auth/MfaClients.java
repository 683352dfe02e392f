package io.vaultgate.sftp.auth;

import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.defender.DefenderPolicy;
import io.vaultgate.core.defender.KeyLoginPolicy;
import io.vaultgate.core.mfa.MfaPolicy;
import io.vaultgate.core.mfa.Role;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TotpCodes;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.client.auth.keyboard.UserInteraction;
import org.apache.sshd.client.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientConnectionServiceFactory;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientUserAuthService;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.ServiceFactory;
import org.apache.sshd.common.session.Session;

/**
 * What the ITs that time an MFA password login's messages share ({@link MfaPipelineSftpIT},
 * {@link TotpStepTimingSftpIT}): the policy, the accounts, and a MINA client whose {@code ssh-userauth} service the
 * test supplies, to see each message the server sends (and when) or to write its own.
 */
final class MfaClients {

    static final String PASSWORD = "correct horse battery";
    static final String WRONG = "tr0ub4dor&3";

    private MfaClients() {
    }

    /**
     * MFA for clients, and a defender that neither bans the loopback clients mid-run nor locks an account before its
     * 10th wrong code.
     */
    static AccessPolicy policy() {
        return AccessPolicy.defaults()
                .withDefender(DefenderPolicy.defaults().withBans(100_000, Duration.ofMinutes(5), Duration.ofHours(1))
                        .withLockout(10, Duration.ofMinutes(30), KeyLoginPolicy.IGNORE))
                .withMfa(MfaPolicy.defaults().requiring(Set.of(Role.CLIENT)));
    }

    /** Creates tenant {@link AccessFixture#TENANT}, which allows passwords. */
    static void tenant(AccessFixture gateway) {
        gateway.core().administration().createTenant(TenantId.of(AccessFixture.TENANT), "Acme", true);
    }

    /** Creates client account {@code name} with password {@link #PASSWORD}, enrolled in TOTP; returns its secret. */
    static byte[] account(AccessFixture gateway, String name) throws Exception {
        gateway.client(name);
        gateway.core().administration().setPassword(name, PASSWORD.toCharArray());
        return TotpCodes.decode(gateway.core().incidents().mfa().enroll(Role.CLIENT, name, "cli:test").secret());
    }

    /** The median; of an even count, the mean of the middle two. */
    static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * A client (not started) with the {@code password} and {@code keyboard-interactive} methods and {@code userAuth}
     * as its {@code ssh-userauth} service.
     */
    static SshClient client(Function<Session, ClientUserAuthService> userAuth) {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.setUserAuthFactories(List.of(UserAuthPasswordFactory.INSTANCE,
                UserAuthKeyboardInteractiveFactory.INSTANCE));
        client.setServiceFactories(List.of(new ServiceFactory() {
            @Override
            public String getName() {
                return "ssh-userauth";
            }

            @Override
            public Service create(Session session) throws IOException {
                return userAuth.apply(session);
            }
        }, ClientConnectionServiceFactory.INSTANCE));
        return client;
    }

    /** Answers every code prompt with {@code code}, running {@code prompted} first. */
    static UserInteraction answering(String code, Runnable prompted) {
        return new UserInteraction() {
            @Override
            public String[] interactive(ClientSession s, String name, String instruction, String lang,
                                        String[] prompts, boolean[] echo) {
                prompted.run();
                return new String[] {code};
            }

            @Override
            public String getUpdatedPassword(ClientSession s, String prompt, String lang) {
                return null;
            }
        };
    }
}
