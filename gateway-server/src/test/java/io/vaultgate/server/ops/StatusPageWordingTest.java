package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.Vaultgate;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page and {@code vaultgate status} ask for what the ops listener admits, a monitor's or an administrator's
 * token, not for an administrator's alone (which sent operators to hand an admin credential to a monitoring host).
 */
class StatusPageWordingTest {

    @TempDir
    Path home;

    @Test
    void statusPage_asksForAMonitorsOrAnAdministratorsToken() throws Exception {
        String page = resource("/ops/status.html");
        String script = resource("/ops/status.js");

        assertThat(page).contains("<label for=\"token\">Monitor or administrator token</label>")
                .doesNotContain(">Administrator token<");
        assertThat(script).contains("That token was refused: give a monitor\\'s or an administrator\\'s token.")
                .contains("response.status === 429");
    }

    @Test
    void statusPage_saysWhyAMonitorSeesHiddenPathsAndNames() throws Exception {
        String page = resource("/ops/status.html");
        String script = resource("/ops/status.js");

        assertThat(page.replaceAll("\\s+", " ")).contains("<p id=\"monitor-view\" class=\"quiet\" hidden>Paths and "
                + "account names are hidden from the monitor role; an administrator's token shows them.</p>");
        assertThat(script).contains("$('monitor-view').hidden = report.view !== 'monitor';");
    }

    @Test
    void statusHelp_namesAMonitorsOrAnAdministratorsToken() {
        StringWriter out = new StringWriter();
        int code = Vaultgate.execute(new String[] {"status", "--help"}, Map.of(), new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true));

        assertThat(code).isZero();
        String help = out.toString().replaceAll("\\s+", " ");
        assertThat(help).contains("with a monitor's or an administrator's token")
                .contains("File holding a monitor's or an administrator's API token")
                .doesNotContain("the administrator token");
    }

    @Test
    void statusWithoutAReadableToken_asksForAMonitorsOrAnAdministratorsToken() {
        StringWriter err = new StringWriter();
        int code = Vaultgate.execute(new String[] {"status", "--home", home.toString(), "--token-file",
                home.resolve("missing.token").toString()}, Map.of(), new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true));

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("cannot read a token; give a monitor's or an administrator's token with "
                + "--token-file");
    }

    private static String resource(String name) throws Exception {
        try (InputStream in = StatusPageWordingTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
