package io.vaultgate.server.cli.doctor;

import io.vaultgate.server.DemoCredentials;
import io.vaultgate.server.DemoSetup;
import java.util.List;

/**
 * The demo tenant can still be logged into ({@link DemoCredentials}): {@code vaultgate demo} printed its client's
 * credentials and keeps them in {@code <home>/demo}. {@code vaultgate run} refuses such a data directory unless started
 * with {@code --allow-demo}; this names it for a gateway started so, and for a cron run of the doctor.
 */
final class DemoCredentialsCheck implements Check {

    static final String NAME = "demo-credentials";

    @Override
    public List<Finding> run(DoctorContext context) {
        List<String> live = DemoCredentials.live(context.database(), context.clock().instant());
        if (live.isEmpty()) {
            return List.of();
        }
        return List.of(new Finding(NAME, "tenant " + DemoSetup.TENANT, "the demo's credentials can still log in: "
                + String.join(", ", live) + "; `vaultgate demo` printed them and keeps them in "
                + context.config().home().resolve("demo").toAbsolutePath().normalize(),
                "end the demo with `vaultgate lockdown "
                + DemoSetup.TENANT + " --reason \"demo over\"`, or revoke them (`vaultgate account revoke`)"));
    }
}
