package io.vaultgate.server.cli.doctor;

import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.audit.AuditVerifier;
import io.vaultgate.core.audit.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The audit chain must verify from its first record to its head, with every checkpoint's signature. */
final class AuditChainCheck implements Check {

    static final String NAME = "audit-chain";

    @Override
    public List<Finding> run(DoctorContext context) throws Exception {
        Path publicKey = AuditKeys.publicKeyFile(context.home().auditSigningKey());
        if (!Files.exists(publicKey)) {
            return List.of(new Finding(NAME, context.show(publicKey), "the audit public key is missing, so checkpoint "
                    + "signatures cannot be checked", "restore it from the published copy"));
        }
        VerificationReport report = new AuditVerifier(context.database(),
                Optional.of(AuditKeys.readPublicKey(publicKey)), context.clock()).verify();
        if (report.ok()) {
            return List.of();
        }
        return List.of(new Finding(NAME, "catalog audit_events", report.summary(),
                "investigate with `vaultgate audit verify` and restore the catalog from a backup"));
    }
}
