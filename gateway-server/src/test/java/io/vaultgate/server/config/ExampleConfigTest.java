package io.vaultgate.server.config;

import static io.vaultgate.server.config.ConfigFixtures.DOCS;
import static io.vaultgate.server.config.ConfigFixtures.EXAMPLE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The documentation cannot drift: the example file and docs/configuration.md are checked against the code. */
class ExampleConfigTest {
    @Test
    void exampleFile_loadsToExactlyTheDefaults() {
        assertThat(ConfigFixtures.loadFile(EXAMPLE)).isEqualTo(VaultgateConfig.defaults());
    }

    @Test
    void exampleFile_listsEveryKeyOfTheDefaults_inTheSameOrder() throws Exception {
        JsonNode example = ConfigModule.mapper().readTree(Files.readString(EXAMPLE));

        assertThat(ConfigTree.leafKeys(example)).containsExactlyElementsOf(ConfigLoader.keys());
    }

    @Test
    void exampleFile_commentsEveryKey() throws Exception {
        List<String> lines = Files.readAllLines(EXAMPLE);
        for (String key : ConfigLoader.keys()) {
            String name = key.substring(key.lastIndexOf('.') + 1);
            int at = indexOfKeyLine(lines, name);
            boolean commented = lines.get(at).contains(" # ") || (at > 0 && lines.get(at - 1).startsWith("#"));
            assertThat(commented).as("key %s has a comment in %s", key, EXAMPLE).isTrue();
        }
    }

    @Test
    void docs_nameEveryKeyAndItsEnvironmentVariable() throws Exception {
        String docs = Files.readString(DOCS);

        for (String key : ConfigLoader.keys()) {
            assertThat(docs).as("docs/configuration.md").contains("`" + key + "`")
                    .contains(ConfigLoader.envVariable(key));
        }
    }

    @Test
    void keys_includeEveryDocumentedSection() {
        assertThat(ConfigLoader.keys()).startsWith("home", "sftp.enabled")
                .contains("sftp.max-auth-attempts", "keys.master-secret-env", "uploads.reorder-window",
                        "uploads.reorder-memory", "uploads.reorder-memory-per-tenant", "shutdown.grace-period",
                        "logging.level", "access.admin-sources",
                        "access.defender.lockout-failures", "access.mfa.required-for", "sftp.check-file-max-request",
                        "sftp.check-file-max-per-connection", "keys.pkcs11.token-label", "keys.pkcs11.token-serial")
                .hasSize(87);
        assertThat(ConfigLoader.envVariable("sftp.max-auth-attempts")).isEqualTo("VAULTGATE_SFTP_MAX_AUTH_ATTEMPTS");
        assertThat(ConfigLoader.envVariable("home")).isEqualTo("VAULTGATE_HOME");
    }

    private static int indexOfKeyLine(List<String> lines, String name) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().startsWith(name + ":")) {
                return i;
            }
        }
        throw new AssertionError("no line for " + name);
    }
}
