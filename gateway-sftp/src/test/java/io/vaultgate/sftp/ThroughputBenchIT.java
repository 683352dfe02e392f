package io.vaultgate.sftp;

import io.vaultgate.sftp.testing.OpenSshSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a timed test: a quick measurement of the stock OpenSSH client against the gateway per cipher, run with
 * {@code -Dvaultgate.bench=true -Dit.test=ThroughputBenchIT}. Prints MiB/s; the figures go into docs/sftp.md.
 */
@EnabledIfSystemProperty(named = "vaultgate.bench", matches = "true")
class ThroughputBenchIT {

    private static final int MIB = Integer.getInteger("vaultgate.bench.mib", 200);

    private static final SftpTuning TUNING = new SftpTuning(Long.getLong("vaultgate.bench.window", 2L * 1024 * 1024),
            Long.getLong("vaultgate.bench.packet", 32 * 1024), Integer.getInteger("vaultgate.bench.readbuf", 32 * 1024));

    @TempDir
    Path directory;
    @RegisterExtension
    static final TestSftpGateway gateway = TestSftpGateway.withSettings(
            s -> s.withAlgorithms(withChacha()).withTuning(TUNING));

    private static SftpAlgorithms withChacha() {
        SftpAlgorithms hardened = SftpAlgorithms.hardened();
        List<String> ciphers = new ArrayList<>(hardened.ciphers());
        ciphers.add("chacha20-poly1305@openssh.com");
        return new SftpAlgorithms(hardened.keyExchanges(), ciphers, hardened.macs(), hardened.signatures());
    }

    @Test
    void perCipher() throws Exception {
        System.out.println("BENCH tuning " + TUNING);
        byte[] data = new byte[MIB * 1024 * 1024];
        new Random(1).nextBytes(data);
        Path local = Files.write(directory.resolve("bench.bin"), data);
        OpenSshSftp sftp = gateway.openSsh(TestSftpGateway.ALICE);
        String[] chosen = System.getProperty("vaultgate.bench.ciphers", "aes128-ctr,aes256-ctr,"
                + "aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com").split(",");
        sftp.run(List.of("-c", chosen[0]), "put " + local + " /inbox/warmup.bin",
                "get /inbox/warmup.bin " + local + ".w");
        for (String cipher : chosen) {
            for (int round = 0; round < 2; round++) {
                long started = System.nanoTime();
                OpenSshSftp.Result put = sftp.run(List.of("-c", cipher), "put " + local + " /inbox/b.bin");
                double up = MIB / ((System.nanoTime() - started) / 1e9);
                started = System.nanoTime();
                OpenSshSftp.Result get = sftp.run(List.of("-c", cipher), "get /inbox/b.bin " + local + ".back");
                double down = MIB / ((System.nanoTime() - started) / 1e9);
                System.out.printf("BENCH %s %d MiB: upload %.1f MiB/s, download %.1f MiB/s (%s/%s)%n", cipher,
                        MIB, up, down, put.succeeded(), get.succeeded());
                sftp.batch("rm /inbox/b.bin");
            }
        }
    }
}
