package io.vaultgate.server.scaleout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A throw-away SoftHSM2 token in a directory of the test's own: a {@code softhsm2.conf} there, which every process
 * that uses the token is given as {@code SOFTHSM2_CONF} ({@link #environment}), and the token initialized in it with
 * {@code softhsm2-util}. Requires the Debian package {@code softhsm2}, as gateway-crypto's PKCS#11 tests do (CI
 * installs it: .ci/run); without it the test fails, naming the package.
 *
 * @param library the PKCS#11 module
 * @param slot    the slot id SoftHSM2 gave the token
 * @param conf    the SoftHSM2 configuration naming the token directory
 */
record SoftHsmToken(Path library, long slot, Path conf) {

    private static final List<String> LIBRARIES = List.of(
            "/usr/lib/softhsm/libsofthsm2.so",
            "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
            "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
            "/usr/local/lib/softhsm/libsofthsm2.so");

    /** Creates and initializes a token labelled {@code label} with user PIN {@code pin} under {@code dir}. */
    static SoftHsmToken create(Path dir, String label, String pin) throws IOException, InterruptedException {
        Path library = LIBRARIES.stream().map(Path::of).filter(Files::exists).findFirst()
                .orElseThrow(() -> new IllegalStateException("SoftHSM2 is not installed (looked in " + LIBRARIES
                        + "): apt-get install softhsm2"));
        Path tokens = Files.createDirectories(dir.resolve("tokens"));
        Path conf = Files.writeString(dir.resolve("softhsm2.conf"), "directories.tokendir = " + tokens + "\n"
                + "objectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        ProcessBuilder init = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", label,
                "--so-pin", "so-" + pin, "--pin", pin).redirectErrorStream(true);
        init.environment().put("SOFTHSM2_CONF", conf.toString());
        Process p = init.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("softhsm2-util failed: " + out);
        }
        Matcher m = Pattern.compile("reassigned to slot (\\d+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("cannot find the slot in softhsm2-util output: " + out);
        }
        return new SoftHsmToken(library, Long.parseLong(m.group(1)), conf);
    }

    /**
     * A copy of this token's files in a directory of its own under {@code dir}, as an HSM restored from a backup
     * taken now would be: the same slot, PIN and objects (the same keys under the same labels), and from then on
     * each changes apart. Only while no process has the token open: SoftHSM2 writes an object's file as it
     * changes it.
     */
    SoftHsmToken copyTo(Path dir) throws IOException {
        Path from = conf.resolveSibling("tokens");
        Path tokens = Files.createDirectories(dir.resolve("tokens"));
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = tokens.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        Path copy = Files.writeString(dir.resolve("softhsm2.conf"), Files.readString(conf)
                .replace("directories.tokendir = " + from + "\n", "directories.tokendir = " + tokens + "\n"));
        if (!Files.readString(copy).contains(tokens.toString())) {
            throw new IllegalStateException("cannot point " + copy + " at " + tokens);
        }
        return new SoftHsmToken(library, slot, copy);
    }

    /**
     * Makes another token beside this one, in the same token directory (seen by the processes started afterwards:
     * SoftHSM2 lists the tokens it finds when it is loaded), and returns its slot id.
     */
    long addToken(String label, String pin) throws IOException, InterruptedException {
        String out = util("--init-token", "--free", "--label", label, "--so-pin", "so-" + pin, "--pin", pin);
        Matcher m = Pattern.compile("reassigned to slot (\\d+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("cannot find the slot in softhsm2-util output: " + out);
        }
        return Long.parseLong(m.group(1));
    }

    /** Initializes the token in {@code slot} again, in place (its objects are gone), under {@code label}. */
    void reinitialize(long slot, String label, String pin) throws IOException, InterruptedException {
        util("--init-token", "--slot", String.valueOf(slot), "--label", label, "--so-pin", "so-" + pin, "--pin", pin);
    }

    /** Deletes the token labelled {@code label}, with its objects. */
    void deleteToken(String label) throws IOException, InterruptedException {
        util("--delete-token", "--token", label);
    }

    /** The serial number of the token in {@code slot}, as {@code softhsm2-util --show-slots} lists it. */
    String serial(long slot) throws IOException, InterruptedException {
        String out = util("--show-slots");
        Matcher m = Pattern.compile("(?m)^Slot " + slot + "$[\\s\\S]*?Serial number:\\s*(\\S+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no serial number of slot " + slot + " in: " + out);
        }
        return m.group(1);
    }

    private String util(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("softhsm2-util"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SOFTHSM2_CONF", conf.toString());
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("softhsm2-util " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    /** What a process using the token needs in its environment (the PIN is the caller's business). */
    Map<String, String> environment() {
        return Map.of("SOFTHSM2_CONF", conf.toString());
    }

    /** The gateway settings that select this token. */
    Map<String, String> settings() {
        return Map.of("keys.provider", "pkcs11", "keys.pkcs11.library", library.toString(),
                "keys.pkcs11.slot", String.valueOf(slot));
    }
}
