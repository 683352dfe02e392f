package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.cli.CliHarness.Result;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vaultgate site routes}, {@code site unroute} and {@code site remove} against a real data directory. */
class RouteCommandsTest {

    private static final Pattern CREATED = Pattern.compile("Created route (rt_[0-9a-f]+)");

    @TempDir
    Path home;

    @Test
    void aRouteIsListed_untilItIsRemoved_andOnlyItsTenantCanRemoveIt_once() {
        CliHarness cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        assertThat(cli.run("tenant", "add", "acme").exitCode()).isZero();
        assertThat(cli.run("tenant", "add", "globex").exitCode()).isZero();
        assertThat(cli.run("site", "add", "manila").exitCode()).isZero();
        Matcher created = CREATED.matcher(cli.run("site", "route", "--tenant", "acme", "--site", "manila",
                "--max-files", "10").out());
        assertThat(created.find()).isTrue();
        String route = created.group(1);

        assertThat(cli.run("site", "routes", "--tenant", "acme").out()).contains(route + "  /inbox -> manila  pull");
        Result foreign = cli.run("site", "unroute", "--tenant", "globex", route);
        assertThat(foreign.exitCode()).isEqualTo(1);
        assertThat(foreign.err()).contains("tenant globex has no route " + route);

        Result removed = cli.run("site", "unroute", "--tenant", "acme", route);
        assertThat(removed.exitCode()).as(removed.err()).isZero();
        assertThat(removed.out()).contains("Removed route " + route + ": acme/inbox no longer goes to manila");
        assertThat(cli.run("site", "routes", "--tenant", "acme").out()).doesNotContain(route);
        Result again = cli.run("site", "unroute", "--tenant", "acme", route);
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("was already removed");
    }

    @Test
    void aSiteIsRemoved_onlyOnceNoTenantRoutesToIt_andThenTakesNoRoute() {
        CliHarness cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        assertThat(cli.run("tenant", "add", "acme").exitCode()).isZero();
        assertThat(cli.run("site", "add", "manila").exitCode()).isZero();
        assertThat(cli.run("operator", "add", "maria", "--site", "manila").exitCode()).isZero();
        Matcher created = CREATED.matcher(cli.run("site", "route", "--tenant", "acme", "--site", "manila").out());
        assertThat(created.find()).isTrue();

        Result refused = cli.run("site", "remove", "manila", "--reason", "contract ended");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("site manila still has route " + created.group(1) + " of tenant acme",
                "nothing was changed");
        assertThat(cli.run("site", "unroute", "--tenant", "acme", created.group(1)).exitCode()).isZero();

        Result removed = cli.run("site", "remove", "manila", "--reason", "contract ended");
        assertThat(removed.exitCode()).as(removed.err()).isZero();
        assertThat(removed.out()).contains("Removed site manila and its operators maria");
        Result route = cli.run("site", "route", "--tenant", "acme", "--site", "manila");
        assertThat(route.exitCode()).isEqualTo(1);
        assertThat(route.err()).contains("site manila does not exist");
        assertThat(cli.run("operator", "list").out()).doesNotContain("maria");
    }
}
