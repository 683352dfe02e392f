package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.testing.CatalogIndependent;
import io.vaultgate.core.testing.powerloss.PowerCuts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSH host keys ({@link HostKeys#generate}, run by {@code vaultgate init} and by every start that finds one
 * missing) under a power cut after each of their file system operations: each key file is then absent, or whole and
 * loadable with its {@code .pub} naming the same key; the next generation makes what is missing and keeps what is
 * there; and once a generation returned, its keys are the ones on disk: a client that trusted them never sees the host
 * key change. The directory used to be created without flushing its parent, so a cut after the generation returned
 * took the directory and both keys with it (the next start made new ones). The RSA pair is one made once: RSA-3072
 * generation takes long, and the keys' content is not what is tested.
 */
@CatalogIndependent
class HostKeysPowerLossTest {

    /** One RSA-3072 pair for every run: making one takes long. */
    private static KeyPair rsa;

    @TempDir
    Path realParent;

    /** The directory of the keys, and the public keys of the generation the cut interrupted or let return. */
    static final class Keys {
        final Path dir;
        final Map<String, String> generated = new HashMap<>();

        Keys(Path root) {
            this.dir = root.resolve("ssh");
        }
    }

    @Test
    void generate_cutAtEveryStep_leavesEachKeyAbsentOrWhole_andKeepsTheKeysItReturned() throws Exception {
        int operations = PowerCuts.atEveryStep(realParent, new PowerCuts.Scenario<Keys>() {
            @Override
            public Keys setUp(Path root) {
                return new Keys(root);
            }

            @Override
            public void act(Keys keys) throws Exception {
                for (Path file : HostKeys.generate(keys.dir, HostKeysPowerLossTest::pair)) {
                    keys.generated.put(file.getFileName().toString(), fingerprintOf(file));
                }
            }

            @Override
            public void check(Path root, Keys keys, boolean returned) throws Exception {
                Map<String, String> before = new HashMap<>();
                Map<String, byte[]> bytes = new HashMap<>();
                for (String name : List.of(HostKeys.ED25519_FILE, HostKeys.RSA_FILE)) {
                    Path file = keys.dir.resolve(name);
                    if (Files.exists(file)) {
                        assertThat(KeyUtils.getFingerPrint(publicKeyFile(file))).as(name + ".pub names its key")
                                .isEqualTo(fingerprintOf(file));
                        before.put(name, fingerprintOf(file));
                        bytes.put(name, Files.readAllBytes(file));
                    } else {
                        assertThat(returned).as(name + " is missing although the generation returned").isFalse();
                    }
                }
                if (returned) {
                    assertThat(before).as("the keys the generation returned").isEqualTo(keys.generated);
                }

                List<Path> files = HostKeys.generate(keys.dir, HostKeysPowerLossTest::pair); // the next init or start

                assertThat(HostKeys.load(files).getKeyTypes(null)).contains(KeyPairProvider.SSH_ED25519,
                        KeyPairProvider.SSH_RSA);
                for (Map.Entry<String, byte[]> kept : bytes.entrySet()) {
                    assertThat(Files.readAllBytes(keys.dir.resolve(kept.getKey()))).as(kept.getKey() + " kept")
                            .isEqualTo(kept.getValue());
                }
                try (Stream<Path> names = Files.list(keys.dir)) {
                    assertThat(names.map(p -> p.getFileName().toString())).as("no temporary copy left")
                            .containsExactlyInAnyOrder(HostKeys.ED25519_FILE, HostKeys.ED25519_FILE + ".pub",
                                    HostKeys.RSA_FILE, HostKeys.RSA_FILE + ".pub");
                }
            }
        });

        assertThat(operations).as("a directory and four files, each through a flushed temporary one")
                .isGreaterThanOrEqualTo(20);
    }

    /** The fingerprint of the key in a private key file, which must load as a host key. */
    private static String fingerprintOf(Path privateKeyFile) throws Exception {
        KeyPair pair = HostKeys.load(List.of(privateKeyFile)).loadKeys(null).iterator().next();
        return KeyUtils.getFingerPrint(pair.getPublic());
    }

    private static PublicKey publicKeyFile(Path privateKeyFile) throws Exception {
        String line = Files.readString(privateKeyFile.resolveSibling(privateKeyFile.getFileName() + ".pub")).strip();
        return AuthorizedKeyEntry.parseAuthorizedKeyEntry(line).resolvePublicKey(null,
                PublicKeyEntryResolver.FAILING);
    }

    /** Ed25519 pairs made fresh, the one RSA pair made once: a rewritten key file is told by its bytes. */
    private static synchronized KeyPair pair(String type, int bits) throws GeneralSecurityException {
        if (!KeyPairProvider.SSH_RSA.equals(type)) {
            return KeyUtils.generateKeyPair(type, bits);
        }
        if (rsa == null) {
            rsa = KeyUtils.generateKeyPair(type, bits);
        }
        return rsa;
    }
}
