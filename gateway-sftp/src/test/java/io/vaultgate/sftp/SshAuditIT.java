package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaultgate.sftp.testing.TestSftpGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Debian's {@code ssh-audit} against the default configuration: no failure, and the reviewed policy
 * ({@code src/test/resources/ssh-audit/vaultgate-policy.txt}) passes. Skipped where ssh-audit is not installed.
 */
class SshAuditIT {

    @RegisterExtension
    static final TestSftpGateway gateway = TestSftpGateway.withDefaults();

    @BeforeAll
    static void onlyWhereSshAuditIsInstalled() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh-audit")), "ssh-audit is not installed");
    }

    @Test
    void defaultConfiguration_hasNoFailure() throws Exception {
        String output = sshAudit(List.of("-n", "-b"));
        System.out.println(output);
        assertThat(output).doesNotContain("[fail]").contains("kex-strict-s-v00@openssh.com");
    }

    /** Regenerates the policy for review: {@code -Dvaultgate.sshaudit.makePolicy=/tmp/policy.txt}. */
    @Test
    void reviewedPolicy_passes() throws Exception {
        String make = System.getProperty("vaultgate.sshaudit.makePolicy");
        if (make != null) {
            System.out.println(sshAudit(List.of("-n", "-M", make)));
        }
        Path policy = Path.of("src/test/resources/ssh-audit/vaultgate-policy.txt").toAbsolutePath();
        String output = sshAudit(List.of("-n", "-P", policy.toString()));
        System.out.println(output);
        assertThat(output).contains("Passed");
    }

    private static String sshAudit(List<String> options) throws Exception {
        List<String> command = new ArrayList<>(List.of("ssh-audit", "-p", Integer.toString(gateway.port())));
        command.addAll(options);
        command.add("127.0.0.1");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return output;
    }
}
