package io.vaultgate.server.cli.doctor;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Runs every check in a fixed order; a check that cannot run is itself a finding. */
public final class Doctor {

    private static final List<Check> CHECKS = List.of(new WeakAlgorithms(), new ExpiringCertificates(),
            new KeyRotationAge(), new KeystoreCopyCheck(), new UnfinishedShreds(), new ReservedTenantIds(),
            new KeyFileModes(), new DataDirectoryModes(), new ForwarderIssuers(), new ExposedListeners(),
            new PasswordWithoutAllowlist(), new SharedLoginNames(), new SetAsideCertificates(),
            new DemoCredentialsCheck(), new AuditChainCheck(), new DiskSpaceCheck(), new ClockOffset(Clock.systemUTC()));

    private Doctor() {
    }

    public static List<Finding> examine(DoctorContext context) {
        List<Finding> findings = new ArrayList<>();
        for (Check check : CHECKS) {
            try {
                findings.addAll(check.run(context));
            } catch (Exception e) {
                findings.add(new Finding("doctor", check.getClass().getSimpleName(), "the check could not run: "
                        + e.getMessage(), "fix what it names and run `vaultgate doctor` again"));
            }
        }
        return findings;
    }
}
