package io.vaultgate.core.site;

import io.vaultgate.core.tenant.Cidr;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A BPO processing site as administrators see it.
 *
 * @param allowedSources networks its operators may log in from; empty allows any address
 * @param recipientKey the X25519 key (base64) its forwards are sealed to; empty: plaintext over mutual TLS
 */
public record Site(String id, String name, Instant createdAt, List<Cidr> allowedSources,
                   Optional<String> recipientKey) {

    public Site {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
        allowedSources = List.copyOf(allowedSources);
        Objects.requireNonNull(recipientKey, "recipientKey");
    }
}
