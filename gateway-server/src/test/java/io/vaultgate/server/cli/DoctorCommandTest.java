package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.server.cli.CliHarness.Result;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaultgate doctor} on a real data directory: clean after {@code init}; a scripted bad state gives the
 * golden list of findings (exit code 1); fixing each cause removes exactly its line, back to exit code 0.
 * The disk, certificate and weak-algorithm findings, which a data directory cannot stage, are in
 * {@code DoctorChecksTest}.
 */
class DoctorCommandTest {

    private static final String[] CHECKED = {"--min-free", "0"};

    @TempDir
    Path home;

    @Test
    void scriptedState_givesTheGoldenFindings_andEachFixRemovesItsLine() throws Exception {
        CliHarness cli = new CliHarness(home);
        ok(cli.init());
        ok(cli.run("tenant", "add", "acme", "--allow-password"));
        ok(cli.run("tenant", "set", "acme", "--allow-sources", "10.0.0.0/8"));
        Result clean = doctor(cli);
        assertThat(clean.exitCode()).as(clean.out()).isZero();
        assertThat(clean.out()).isEqualTo("vaultgate doctor: no findings\n");

        ok(cli.run("tenant", "add", "globex", "--allow-password"));
        Files.setPosixFilePermissions(home.resolve("secrets/master.key"), PosixFilePermissions.fromString("rw-r--r--"));
        String actor;
        try (Database catalog = Database.sqlite(home.resolve("catalog.db"))) {
            actor = catalog.read(jdbc -> jdbc.queryOne("SELECT actor FROM audit_events WHERE seq = 1",
                    row -> row.getString(1))).orElseThrow();
            catalog.inTransaction(jdbc -> jdbc.update("UPDATE audit_events SET actor = 'someone-else' WHERE seq = 1"));
        }
        Thread.sleep(1100);

        Result broken = doctor(cli, "--set", "ops.bind=0.0.0.0", "--set", "keys.max-kek-age=1s");

        assertThat(broken.exitCode()).isEqualTo(1);
        assertThat(stable(broken.out())).isEqualTo(golden());

        Files.setPosixFilePermissions(home.resolve("secrets/master.key"), PosixFilePermissions.fromString("rw-------"));
        assertThat(doctor(cli, "--set", "ops.bind=0.0.0.0", "--set", "keys.max-kek-age=1s").out())
                .doesNotContain("key-file-mode").contains("exposed-listener");
        assertThat(doctor(cli, "--set", "keys.max-kek-age=1s").out()).doesNotContain("exposed-listener")
                .contains("key-rotation: tenant acme", "key-rotation: tenant globex");
        ok(cli.run("keys", "rotate", "--tenant", "acme"));
        ok(cli.run("keys", "rotate", "--tenant", "globex"));
        assertThat(doctor(cli, "--set", "keys.max-kek-age=1h").out()).doesNotContain("key-rotation")
                .contains("password-login: tenant globex");
        ok(cli.run("tenant", "set", "globex", "--allow-sources", "192.0.2.0/24"));
        assertThat(doctor(cli).out()).doesNotContain("password-login").contains("audit-chain");
        try (Database catalog = Database.sqlite(home.resolve("catalog.db"))) {
            catalog.inTransaction(jdbc -> jdbc.update("UPDATE audit_events SET actor = ? WHERE seq = 1", actor));
        }
        Result fixed = doctor(cli);
        assertThat(fixed.exitCode()).as(fixed.out()).isZero();
    }

    private Result doctor(CliHarness cli, String... settings) {
        String[] args = new String[1 + CHECKED.length + settings.length];
        args[0] = "doctor";
        System.arraycopy(CHECKED, 0, args, 1, CHECKED.length);
        System.arraycopy(settings, 0, args, 1 + CHECKED.length, settings.length);
        return cli.run(args);
    }

    /** Times vary from run to run; everything else is fixed by the script. */
    private static String stable(String out) {
        return out.replaceAll("\\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z", "<time>");
    }

    private static String golden() throws Exception {
        try (InputStream in = DoctorCommandTest.class.getResourceAsStream("doctor-golden.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Result ok(Result result) {
        assertThat(result.exitCode()).as(result.err()).isZero();
        return result;
    }
}
