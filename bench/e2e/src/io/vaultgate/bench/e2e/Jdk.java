package io.vaultgate.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A JDK to run the gateway on, labelled by its feature release (17, 25). */
record Jdk(Path home, String label) {

    static Jdk of(Path home) throws IOException, InterruptedException {
        if (!Files.isExecutable(home.resolve("bin/java"))) {
            throw new IOException(home + " is not a JDK (no bin/java)");
        }
        String version = Commands.run(home, List.of(home.resolve("bin/java").toString(), "-version"));
        Matcher m = Pattern.compile("version \"(\\d+)").matcher(version);
        return new Jdk(home, m.find() ? m.group(1) : home.getFileName().toString());
    }
}
