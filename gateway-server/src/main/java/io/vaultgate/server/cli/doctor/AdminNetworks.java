package io.vaultgate.server.cli.doctor;

import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.auth.AdminSources;
import io.vaultgate.core.mfa.Role;
import io.vaultgate.core.tenant.Cidr;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code access.admin-sources} opened beyond the gateway's host while administrators need no second factor: a leaked
 * admin token (a CI variable, shell history, a copied {@code secrets/admin.token}) then works from those networks with
 * nothing else, and from anywhere the client port is reachable when a network admits any address ({@code 0.0.0.0/0},
 * {@code ::/0}). With {@code access.mfa.required-for: admin}, the configuration docs/access-control.md recommends for
 * an admin network, a token alone opens nothing, so it is no finding; loopback only (the default) is none either.
 */
public final class AdminNetworks implements Check {

    static final String NAME = "admin-sources";

    @Override
    public List<Finding> run(DoctorContext context) {
        return finding(context.config().access().policy()).stream().toList();
    }

    /** The finding, if any: also logged as a warning when the gateway starts ({@code VaultgateApplication}). */
    public static Optional<Finding> finding(AccessPolicy access) {
        AdminSources sources = access.adminSources();
        if (!sources.beyondLoopback() || access.mfa().requires(Role.ADMIN)) {
            return Optional.empty();
        }
        List<Cidr> anyAddress = sources.networks().stream().filter(cidr -> cidr.prefixLength() == 0).toList();
        String subject = "access.admin-sources " + sources.networks().stream().map(Cidr::toString)
                .collect(Collectors.joining(", "));
        String fix = "require a TOTP code of administrators (access.mfa.required-for: admin, then `vaultgate mfa "
                + "enroll --admin NAME`), and list only the admin networks";
        if (!anyAddress.isEmpty()) {
            return Optional.of(new Finding(NAME, subject, "an administrator's token alone is accepted from any "
                    + "address (" + anyAddress.stream().map(Cidr::toString).collect(Collectors.joining(", ")) + ")",
                    fix));
        }
        return Optional.of(new Finding(NAME, subject, "an administrator's token alone is accepted from beyond the "
                + "gateway's host", fix + " (the default, " + "127.0.0.0/8, ::1, admits the host only)"));
    }
}
