package io.vaultgate.core.kek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.DelegatingKeyProvider;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.keystore.KeystoreKeyProvider;
import io.vaultgate.crypto.pkcs11.Pkcs11KeyProvider;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The fix the KEK refusals name follows the node's key provider ({@link KeyRemedy}): copying {@code keys/kek.p12}
 * from another node with the keystore provider; with {@code keys.provider: pkcs11}, where every node logs in to one
 * shared token and no node has a kek.p12, the token settings ({@code keys.pkcs11.*}) and the token's backup. What a
 * client is told does not change. The start-up check runs on SQLite and, with
 * {@code -Dvaultgate.test.catalog=postgresql}, on PostgreSQL.
 */
class KeyRemedyTest {

    @TempDir
    Path home;

    @Test
    void theRemedyIsChosenByTheProvidersName() {
        assertThat(KeyRemedy.of(named(Pkcs11KeyProvider.NAME))).isEqualTo(KeyRemedy.TOKEN);
        assertThat(KeyRemedy.of(named(KeystoreKeyProvider.NAME))).isEqualTo(KeyRemedy.KEYSTORE);
    }

    @Test
    void onAKeystoreNodeEveryRefusalStillSaysToCopyKeysKekP12() {
        assertThat(new KeystoreBehindCatalog("acme", 2, 1, KeyRemedy.KEYSTORE).getMessage())
                .startsWith("this node's keystore is behind the catalog: KEK version 2 of tenant acme is active (this "
                        + "node's keystore has version 1)")
                .endsWith("; copy keys/kek.p12 from the node that rotated it");
        assertThat(new KeystoreForked("acme", 2, KeyRemedy.KEYSTORE).getMessage())
                .startsWith("this node's keystore holds another key under KEK version 2 of tenant acme")
                .contains("a rotation on this node wrote its keystore but was not recorded")
                .endsWith("; copy keys/kek.p12 from the node that rotated the tenant");
        assertThat(new TenantKeyElsewhere("acme", 0, KeyRemedy.KEYSTORE).getMessage())
                .contains("this node's keystore holds no key of it")
                .contains("or copy that node's keys/kek.p12 to this node first, once `vaultgate doctor` there finds "
                        + "no KEK version missing (the copy replaces every key of this node)");
        assertThat(new TenantKeyMismatch("acme", 1, 3, KeyRemedy.KEYSTORE).getMessage())
                .startsWith("this node's keystore holds another key of tenant acme than the one its files were "
                        + "wrapped with").contains("or copy that node's keys/kek.p12 to this node first");
        assertThat(KekRefusals.unmetered().unwrap(new KekId("acme", 1), KekVersionState.DISABLED).getMessage())
                .endsWith("this node's keystore may still hold it enabled: copy keys/kek.p12 from the node that "
                        + "disabled it");
    }

    @Test
    void onAPkcs11NodeTheRefusalsNameTheTokenSettingsAndItsBackup_neverAKeystoreFile() {
        KekRefusals refusals = KekRefusals.unmetered().advising(KeyRemedy.TOKEN);
        List<String> messages = List.of(
                refusals.behind("acme", 2, 1).getMessage(),
                refusals.forked("acme", 2).getMessage(),
                refusals.unwrap(new KekId("acme", 1), KekVersionState.DISABLED).getMessage(),
                new TenantKeyElsewhere("acme", 3, KeyRemedy.TOKEN).getMessage(),
                new TenantKeyMismatch("acme", 1, 3, KeyRemedy.TOKEN).getMessage());

        assertThat(messages).allSatisfy(message -> assertThat(message).doesNotContain("kek.p12")
                .as("a token node has no keystore").doesNotContain("keystore")
                .contains("this node's token ", "log in to the same token as",
                        "keys.pkcs11.library and keys.pkcs11.slot", "restored from an older backup"));
        assertThat(messages.get(0)).startsWith("this node's token is behind the catalog: KEK version 2 of tenant acme "
                + "is active (this node's token has version 1)");
        assertThat(messages.get(1)).startsWith("this node's token holds another key under KEK version 2 of tenant "
                + "acme");
        assertThat(messages.get(2)).contains("this node's token may still hold it enabled");
        assertThat(messages.get(3)).contains("this node's token holds no key of it");
        assertThat(messages.get(4)).startsWith("this node's token holds another key of tenant acme");
        assertThat(messages.get(0)).contains("KEK version 2 of tenant acme is active", "log in to the same token as "
                + "the node that rotated it");
        assertThat(messages.get(3)).contains("run `vaultgate tenant add acme` on a node that holds the tenant's key",
                "or log in to the same token as that node first");
        assertThat(refusals.behind("acme", 2, 1).refusal().clientMessage()).as("the client is told the same")
                .isEqualTo(KeystoreBehindCatalog.CLIENT_MESSAGE);
        assertThat(refusals.forked("acme", 2).refusal().clientMessage()).isEqualTo(KeystoreBehindCatalog.CLIENT_MESSAGE);
    }

    /**
     * A node whose provider is the PKCS#11 one, behind the catalog: its start-up WARN, its status-page alert and its
     * administrator's refusal name the token's remedy, chosen by {@link KekCatalog} from the provider's name.
     */
    @Test
    void aNodeOfThePkcs11ProviderBehindTheCatalog_isToldToCheckItsToken_atStartUpAndWhenChangingKeys() {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger checkLog = (Logger) LoggerFactory.getLogger(KekStartupCheck.class);
        logged.start();
        checkLog.addAppender(logged);
        try (TestCore nodeA = TestCore.create(home)) {
            nodeA.client("acme", "alice", Protocol.SFTP);
            try (TestCore nodeB = nodeA.secondNode()) {
                nodeA.core().keyRotation().rotate(TenantId.of("acme"), false);
                KekCatalog onB = new KekCatalog(nodeB.database(), named(Pkcs11KeyProvider.NAME, nodeB.keys()),
                        KekRefusals.unmetered(), Clock.systemUTC());

                KekStartupCheck check = new KekStartupCheck(nodeB.database(), onB, Clock.systemUTC());
                assertThat(check.run().behind()).containsExactly("acme");

                assertThat(check.alerts()).singleElement().asString().contains("behind", "acme",
                        "this node's token lacked the active KEK version of 1 tenant(s)",
                        "log in to the same token as the node that changed them", "keys.pkcs11.slot")
                        .doesNotContain("kek.p12").doesNotContain("keystore");
                assertThat(logged.list).filteredOn(event -> event.getLevel() == Level.WARN)
                        .map(ILoggingEvent::getFormattedMessage)
                        .anySatisfy(line -> assertThat(line).contains("KEK start-up check", "1 behind",
                                "log in to the same token as the node that changed them").doesNotContain("kek.p12"));
                assertThatThrownBy(() -> onB.requireNotBehind("acme"))
                        .isInstanceOfSatisfying(GatewayException.class, e -> {
                            assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                            assertThat(e.getMessage()).contains("KEK version 2 of tenant acme is active",
                                    "keys.pkcs11.library and keys.pkcs11.slot").doesNotContain("kek.p12")
                                    .doesNotContain("keystore");
                        });
            }
        } finally {
            checkLog.detachAppender(logged);
        }
    }

    /** A provider of which only the name is asked. */
    private static KeyProvider named(String name) {
        return (KeyProvider) Proxy.newProxyInstance(KeyProvider.class.getClassLoader(),
                new Class<?>[] {KeyProvider.class}, (proxy, method, args) -> {
                    if (method.getName().equals("name")) {
                        return name;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** {@code keys} under the provider name {@code name}. */
    private static KeyProvider named(String name, KeyProvider keys) {
        return new DelegatingKeyProvider(keys) {
            @Override
            public String name() {
                return name;
            }
        };
    }
}
