package io.vaultgate.server.cli.doctor;

import io.vaultgate.core.auth.SecretFile;
import io.vaultgate.core.forward.ForwardingSites;
import io.vaultgate.core.forward.SiteForwarding;
import io.vaultgate.server.DataDirectory;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Secret files that group or others may read or write: the master secret, the KEK keystore, the PKCS#11 PIN file,
 * the audit signing key, the admin token, the catalog password file, the TLS, CA and forwarding CA private keys, the SSH host
 * keys and the sites' client keys.
 */
final class KeyFileModes implements Check {

    static final String NAME = "key-file-mode";

    @Override
    public List<Finding> run(DoctorContext context) throws Exception {
        DataDirectory home = context.home();
        Set<Path> files = new LinkedHashSet<>(List.of(context.config().masterSecretFile(),
                context.config().keystoreFile(), home.auditSigningKey(), home.adminTokenFile(),
                context.config().catalogPasswordFile(), context.config().pkcs11PinFile(), home.serverKey(), home.caKey(), home.forwardingCaKey()));
        files.addAll(home.hostKeys());
        for (SiteForwarding site : context.database().read(new ForwardingSites()::all)) {
            files.add(site.clientKeyFile());
        }
        List<Finding> findings = new ArrayList<>();
        for (Path file : files) {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (SecretFile.openToOthers(mode)) {
                findings.add(new Finding(NAME, context.show(file), "readable or writable by group or others ("
                        + PosixFilePermissions.toString(mode) + ")", "run chmod 600 on it"));
            }
        }
        return findings;
    }
}
