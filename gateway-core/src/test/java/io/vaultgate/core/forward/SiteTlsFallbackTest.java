package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.testing.CatalogIndependent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real fallback, in a JVM where netty-tcnative cannot load ({@code io.netty.handler.ssl.noOpenSsl=true},
 * as the HTTPS module's fallback ITs do): the forwarder takes the JDK's TLS and says so in a warning.
 */
@CatalogIndependent
class SiteTlsFallbackTest {

    /** Run in the child JVM: prints the provider the forwarder would use. */
    public static void main(String[] args) {
        System.out.println("provider=" + SiteTlsProvider.preferred());
    }

    @Test
    void withoutTheNativeLibrary_theJdksTlsIsChosen_andAWarningSaysWhy() throws Exception {
        Result child = run(List.of("-Dio.netty.handler.ssl.noOpenSsl=true"));
        assertThat(child.out()).contains("provider=JDK");
        assertThat(child.err()).contains("WARN").contains("OpenSSL (netty-tcnative BoringSSL) cannot be loaded")
                .contains("using the JDK's TLS");
    }

    @Test
    void withTheNativeLibrary_boringSslIsChosen() throws Exception {
        assertThat(run(List.of()).out()).contains("provider=OPENSSL");
    }

    private record Result(String out, String err) {
    }

    private static Result run(List<String> options) throws IOException, InterruptedException {
        // The test JVM's class path (surefire's booter jar names the rest in its manifest).
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SiteTlsFallbackTest.class.getName());
        Process process = new ProcessBuilder(command).start();
        try {
            process.getOutputStream().close();
            java.util.concurrent.CompletableFuture<byte[]> errors = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return process.getErrorStream().readAllBytes();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = errors.join();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(new String(err, StandardCharsets.UTF_8)).isZero();
            return new Result(new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
        }
    }
}
