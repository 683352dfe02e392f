package io.vaultgate.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Forwarding over mutual TLS is measured by {@code bench/forwarding/run}, owned by the forwarding front; this
 * calls it when it exists ({@code --quick} passed on, {@code VAULTGATE_BENCH_OUT} naming a directory for its
 * files) and includes its output, and its {@code forwarding.json} when it writes one.
 */
final class ForwardingSuite {
    private ForwardingSuite() {
    }

    record Outcome(String markdown, String json) {
    }

    static Optional<Outcome> run(Path repo, boolean quick, Path out) throws IOException, InterruptedException {
        Path script = repo.resolve("bench/forwarding/run");
        if (!Files.isExecutable(script)) {
            return Optional.empty();
        }
        Path dir = Files.createDirectories(out.resolve("forwarding"));
        List<String> command = new ArrayList<>(List.of(script.toString()));
        if (quick) {
            command.add("--quick");
        }
        System.out.println("forwarding: " + String.join(" ", command));
        ProcessBuilder builder = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true);
        builder.environment().put("VAULTGATE_BENCH_OUT", dir.toString());
        Process process = builder.start();
        String text = new String(process.getInputStream().readAllBytes());
        int exit = process.waitFor();
        Path json = dir.resolve("forwarding.json");
        String markdown = "## Forwarding (bench/forwarding/run" + (quick ? " --quick" : "") + ", exit " + exit
                + ")\n\n```\n" + text.strip() + "\n```\n";
        String jsonText = Files.exists(json) ? Files.readString(json).strip()
                : "{\"exit\": " + exit + ", \"output\": " + Report.quote(text) + "}";
        return Optional.of(new Outcome(markdown, jsonText));
    }
}
