package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.server.CoreResources;
import io.vaultgate.server.cli.CliHarness.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vaultgate tenant shred} and {@code tenant verify-shred} against a real data directory. */
class TenantShredCommandTest {

    @TempDir
    Path home;
    private CliHarness cli;

    @BeforeEach
    void setUp() throws Exception {
        cli = new CliHarness(home);
        AcmeHome.create(cli, home, "payroll");
    }

    @Test
    void confirmThatDoesNotRepeatTheTenant_exitsTwo_andChangesNothing() throws Exception {
        Result refused = cli.run("tenant", "shred", "acme", "--reason", "offboarding", "--confirm", "acme-corp");

        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("--confirm acme-corp does not repeat the tenant id acme",
                "nothing was changed");
        assertThat(refused.out()).isEmpty();
        assertThat(cli.run("tenant", "show", "acme").out()).contains("status:          ACTIVE");
        try (CoreResources gateway = AcmeHome.open(home)) {
            GatewayCore core = gateway.core();
            Account alice = core.administration().accounts(TenantId.of("acme")).get(0);
            try (FileContent file = core.files().open(AcmeHome.alice(alice), PathPolicy.parse("/inbox/a.csv"))) {
                assertThat(file.size()).as("still readable").isEqualTo(7);
            }
        }
        assertThat(cli.run("tenant", "shred", "acme", "--reason", "offboarding").exitCode())
                .as("--confirm is required").isEqualTo(2);
    }

    @Test
    void shred_writesASignedRecordThatVerifiesOffline_andTheTenantCanNeverBeUnlocked() throws Exception {
        Path record = home.resolve("acme.shred");

        Result shredded = cli.run("tenant", "shred", "acme", "--reason", "contract ended", "--confirm", "acme",
                "--record", record.toString());

        assertThat(shredded.exitCode()).as(shredded.err()).isZero();
        assertThat(shredded.out()).contains("Shredded tenant acme: KEKs destroyed: acme/v1; 1 files forgotten");
        Result verified = cli.run("tenant", "verify-shred", record.toString());
        assertThat(verified.exitCode()).as(verified.err()).isZero();
        assertThat(verified.out()).contains("VALID shredding record", "tenant:   acme", "keys:     acme/v1");

        Path forged = home.resolve("forged.shred");
        Files.writeString(forged, Files.readString(record).replace("keys=acme/v1", "keys=acme/v2"));
        Result refused = cli.run("tenant", "verify-shred", forged.toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("INVALID shredding record", "signature does not verify");
        assertThat(opensslVerifies(record)).as("OpenSSL checks the record too").isTrue();
        assertThat(opensslVerifies(forged)).isFalse();

        Result audit = cli.run("audit", "verify");
        assertThat(audit.exitCode()).as(audit.err()).isZero();
        assertThat(audit.out()).as("the shred is signed at once").contains(", 0 records not yet checkpointed");
        assertThat(cli.run("tenant", "show", "acme").out()).contains("status:          SHREDDED");
        Result unlock = cli.run("unlock", "acme", "--reason", "mistake");
        assertThat(unlock.exitCode()).isEqualTo(1);
        assertThat(unlock.err()).contains("tenant acme was shredded");
        Result set = cli.run("tenant", "set", "acme", "--quota-files", "10");
        assertThat(set.exitCode()).isEqualTo(1);
        assertThat(set.err()).contains("tenant acme was shredded");

        Result again = cli.run("tenant", "shred", "acme", "--reason", "contract ended", "--confirm", "acme");
        assertThat(again.exitCode()).as("running it again is safe").isZero();
        assertThat(again.out()).startsWith("vaultgate-shredding-record-v1\n").contains("keys=\n");
        Path second = home.resolve("again.shred");
        Files.writeString(second, again.out());
        assertThat(cli.run("tenant", "verify-shred", second.toString()).exitCode()).isZero();
    }

    /** The record's signed bytes are its text without the signature line; the signature is plain Ed25519. */
    private boolean opensslVerifies(Path record) throws Exception {
        String text = Files.readString(record);
        int signature = text.lastIndexOf("signature=");
        Path payload = Files.writeString(home.resolve("payload"), text.substring(0, signature));
        Path sig = Files.write(home.resolve("sig"), Base64.getDecoder().decode(text.substring(
                signature + "signature=".length()).strip()));
        Process openssl = new ProcessBuilder(List.of("openssl", "pkeyutl", "-verify", "-pubin", "-inkey",
                home.resolve("keys/audit-signing.pub").toString(), "-rawin", "-in", payload.toString(), "-sigfile",
                sig.toString())).redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).as(output).isTrue();
        return openssl.exitValue() == 0;
    }
}
