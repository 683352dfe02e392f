package io.vaultgate.server.cli.doctor;

import io.vaultgate.server.config.KeyProviderType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs every check in a fixed order; a check that cannot run is itself a finding. */
public final class Doctor {

    private static final Check KEY_ROTATION_AGE = new KeyRotationAge();
    private static final List<Check> CHECKS = List.of(new WeakAlgorithms(), new ExpiringCertificates(),
            KEY_ROTATION_AGE, new KeystoreCopyCheck(), new UnfinishedShreds(), new ReservedTenantIds(),
            new KeyFileModes(), new DataDirectoryModes(), new ForwarderIssuers(), new ExposedListeners(),
            new AdminNetworks(), new PasswordWithoutAllowlist(), new SharedLoginNames(), new SetAsideCertificates(),
            new ClientCertificateExpiry(),
            new DemoCredentialsCheck(), new AuditChainCheck(), new DiskSpaceCheck(), new ClockOffset(Clock.systemUTC()));

    private Doctor() {
    }

    public static List<Finding> examine(DoctorContext context) {
        return examine(context, Map.of());
    }

    /**
     * As {@link #examine(DoctorContext)}, where {@code env} gives the PKCS#11 PIN variable: with {@code keys.provider:
     * pkcs11} the token's check runs too, and the keystore copy's, which has no file to read, does not.
     */
    public static List<Finding> examine(DoctorContext context, Map<String, String> env) {
        boolean token = context.config().keys().provider() == KeyProviderType.PKCS11;
        List<Check> checks = new ArrayList<>(CHECKS);
        if (token) {
            checks.removeIf(check -> check instanceof KeystoreCopyCheck);
            checks.add(checks.indexOf(KEY_ROTATION_AGE) + 1, new Pkcs11TokenCheck(env));
        }
        List<Finding> findings = new ArrayList<>();
        for (Check check : checks) {
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
