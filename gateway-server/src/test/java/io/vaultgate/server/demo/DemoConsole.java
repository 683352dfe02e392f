package io.vaultgate.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** What a newcomer does at a terminal beside {@code ./vaultgate demo}: read what it prints, run what it says. */
public final class DemoConsole {

    private DemoConsole() {
    }

    /** Runs {@code command} with bash in {@code dir}, asserts it succeeded within 60 s, returns its output. */
    public static String shell(Path dir, String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bash", "-c", command).directory(dir.toFile())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(command + "\n" + output).isZero();
        return output;
    }

    /** The lines {@code process} printed up to the first containing {@code marker}; fails after {@code seconds}. */
    public static List<String> readUntil(Process process, String marker, int seconds) throws InterruptedException {
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null) {
                seen.add(line);
                if (line.contains(marker)) {
                    return seen;
                }
            } else if (!process.isAlive()) {
                break;
            }
        }
        throw new AssertionError("the demo did not print \"" + marker + "\"; it printed " + seen);
    }
}
