package io.vaultgate.core.powerloss;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.testing.CatalogIndependent;
import io.vaultgate.core.testing.powerloss.PowerCuts;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KeySlot;
import io.vaultgate.crypto.file.DurableFile;
import io.vaultgate.crypto.keystore.KdfParams;
import io.vaultgate.crypto.keystore.KeystoreKeyProvider;
import io.vaultgate.crypto.keystore.MasterSecret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keystore file (written by {@code init}, by every key change: rotation, a version's disable, a tenant's
 * crypto-shred, a master secret's rotation) under a power cut after each of its operations. Whatever the cut, the
 * keystore opens (never empty or torn) and unwraps every data key wrapped with a KEK the provider handed out before
 * the cut; a change that returned is in it; a shred that returned leaves the tenant's keys nowhere, not in a
 * temporary copy either.
 */
@CatalogIndependent
class KeystorePowerLossTest {

    private static final KdfParams FAST = new KdfParams(1024, 1, 1);
    private static final MasterSecret SECRET = secret("correct horse battery staple");
    private static final MasterSecret NEW_SECRET = secret("a rotated master secret, also long");
    private static final EnvelopeContext FIRST = new EnvelopeContext("acme", "f_first");
    private static final EnvelopeContext SECOND = new EnvelopeContext("acme", "f_second");

    @TempDir
    Path realParent;

    /** A keystore and the data keys wrapped with it: {@code first} before the cut, {@code second} in the action. */
    static final class Keys {
        final Path path;
        final DataKey firstKey = DataKey.generate();
        final DataKey secondKey = DataKey.generate();
        KeystoreKeyProvider provider;
        KeySlot first;
        KeySlot second;

        Keys(Path root) throws Exception {
            this.path = DurableFile.createDirectories(root.resolve("keys"), DurableFile.Mode.OWNER_ONLY)
                    .resolve("keystore-kek.p12");
        }

        /** As {@code init} leaves it: a keystore with the tenant's KEK 1, a data key wrapped with it. */
        Keys created() {
            provider = KeystoreKeyProvider.create(path, SECRET, FAST);
            provider.ensureTenant("acme");
            first = provider.wrap(FIRST, firstKey);
            return this;
        }
    }

    @Test
    void init_cutAtEveryStep_leavesNoKeystoreOrOneThatOpens_andKeepsEveryKeyHandedOut() throws Exception {
        int operations = PowerCuts.atEveryStep(realParent, new PowerCuts.Scenario<Keys>() {
            @Override
            public Keys setUp(Path root) throws Exception {
                return new Keys(root);
            }

            @Override
            public void act(Keys keys) {
                keys.provider = KeystoreKeyProvider.create(keys.path, SECRET, FAST);
                keys.provider.ensureTenant("acme");
                keys.first = keys.provider.wrap(FIRST, keys.firstKey);
            }

            @Override
            public void check(Path root, Keys keys, boolean returned) {
                if (!returned && !Files.exists(keys.path, LinkOption.NOFOLLOW_LINKS)) {
                    return; // init was cut before its keystore was durable: it runs again
                }
                try (KeystoreKeyProvider reopened = KeystoreKeyProvider.open(keys.path, SECRET)) {
                    assertThat(reopened.versions("acme")).isIn(List.of(), List.of(1));
                    if (keys.first != null) {
                        assertThat(reopened.unwrap(FIRST, keys.first)).isEqualTo(keys.firstKey);
                    }
                }
                assertNoTemporaryCopy(keys.path);
            }
        });

        assertThat(operations).isGreaterThanOrEqualTo(12); // two keystore writes, each through a flushed temporary file
    }

    @Test
    void rotation_cutAtEveryStep_keepsTheOldVersion_andTheNewOneOnceItWasHandedOut() throws Exception {
        PowerCuts.atEveryStep(realParent, new PowerCuts.Scenario<Keys>() {
            @Override
            public Keys setUp(Path root) throws Exception {
                return new Keys(root).created();
            }

            @Override
            public void act(Keys keys) {
                keys.provider.rotate("acme");
                keys.second = keys.provider.wrap(SECOND, keys.secondKey);
            }

            @Override
            public void check(Path root, Keys keys, boolean returned) {
                try (KeystoreKeyProvider reopened = KeystoreKeyProvider.open(keys.path, SECRET)) {
                    assertThat(reopened.unwrap(FIRST, keys.first)).isEqualTo(keys.firstKey);
                    assertThat(reopened.versions("acme")).isIn(List.of(1), List.of(1, 2));
                    if (keys.second != null) {
                        assertThat(reopened.unwrap(SECOND, keys.second)).isEqualTo(keys.secondKey);
                    }
                }
            }
        });
    }

    @Test
    void masterSecretRotation_cutAtEveryStep_leavesAKeystoreThatExactlyOneSecretOpens_theNewOnceItReturned()
            throws Exception {
        PowerCuts.atEveryStep(realParent, new PowerCuts.Scenario<Keys>() {
            @Override
            public Keys setUp(Path root) throws Exception {
                return new Keys(root).created();
            }

            @Override
            public void act(Keys keys) {
                keys.provider.rotateMasterSecret(NEW_SECRET);
            }

            @Override
            public void check(Path root, Keys keys, boolean returned) {
                boolean oldOpens = opens(keys.path, SECRET);
                boolean newOpens = opens(keys.path, NEW_SECRET);
                assertThat(oldOpens ^ newOpens).as("exactly one secret opens it (old %s, new %s)", oldOpens, newOpens)
                        .isTrue();
                if (returned) {
                    assertThat(newOpens).as("the rotation returned").isTrue();
                }
                try (KeystoreKeyProvider reopened = KeystoreKeyProvider.open(keys.path,
                        newOpens ? NEW_SECRET : SECRET)) {
                    assertThat(reopened.unwrap(FIRST, keys.first)).isEqualTo(keys.firstKey);
                }
            }
        });
    }

    @Test
    void shred_cutAtEveryStep_leavesTheKeysWhole_orNowhereOnceItReturned() throws Exception {
        PowerCuts.atEveryStep(realParent, new PowerCuts.Scenario<Keys>() {
            @Override
            public Keys setUp(Path root) throws Exception {
                return new Keys(root).created();
            }

            @Override
            public void act(Keys keys) {
                keys.provider.destroyTenant("acme");
            }

            @Override
            public void check(Path root, Keys keys, boolean returned) throws Exception {
                try (KeystoreKeyProvider reopened = KeystoreKeyProvider.open(keys.path, SECRET)) {
                    if (returned) {
                        assertThat(reopened.versions("acme")).as("shredded").isEmpty();
                    } else if (!reopened.versions("acme").isEmpty()) {
                        assertThat(reopened.unwrap(FIRST, keys.first)).isEqualTo(keys.firstKey);
                    }
                }
                assertNoTemporaryCopy(keys.path);
            }
        });
    }

    private static boolean opens(Path path, MasterSecret secret) {
        try (KeystoreKeyProvider ignored = KeystoreKeyProvider.open(path, secret)) {
            return true;
        } catch (CryptoException.ProviderUnavailable wrongSecret) {
            return false;
        }
    }

    /** Opening removed any copy an interrupted rewrite left (it would hold the keys of the time). */
    private static void assertNoTemporaryCopy(Path keystore) {
        try (Stream<Path> files = Files.list(keystore.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static MasterSecret secret(String text) {
        return MasterSecret.fromBytes(text.getBytes(StandardCharsets.US_ASCII));
    }
}
