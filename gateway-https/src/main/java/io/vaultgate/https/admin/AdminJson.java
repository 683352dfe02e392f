package io.vaultgate.https.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vaultgate.core.admin.CredentialInventory.TenantCertificates;
import io.vaultgate.core.pki.CertificateState;
import io.vaultgate.core.pki.Validity;
import io.vaultgate.core.site.Route;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.Tenant;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** How the admin API writes the core's records as JSON fields (the shapes of {@code openapi.yaml}). */
final class AdminJson {

    /** Writes one record's fields into the object the generator is in. */
    @FunctionalInterface
    interface Fields<T> {
        void write(JsonGenerator json, T item) throws IOException;
    }

    private AdminJson() {
    }

    /** A field {@code name} holding one object per item, as the list endpoints answer. */
    static <T> void array(JsonGenerator json, String name, List<T> items, Fields<T> fields) throws IOException {
        json.writeArrayFieldStart(name);
        for (T item : items) {
            json.writeStartObject();
            fields.write(json, item);
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    static void tenant(JsonGenerator json, Tenant tenant) throws IOException {
        json.writeStringField("id", tenant.id().value());
        json.writeStringField("name", tenant.name());
        json.writeStringField("status", tenant.status().name());
        json.writeNumberField("quotaBytes", tenant.quota().maxBytes());
        json.writeNumberField("quotaFiles", tenant.quota().maxFiles());
        json.writeNumberField("maxFileBytes", tenant.maxFileSize());
        json.writeNumberField("retentionDays", tenant.retention().toDays());
        json.writeBooleanField("passwordLogin", tenant.passwordLoginAllowed());
        json.writeArrayFieldStart("protocols");
        for (Protocol protocol : tenant.protocols()) {
            json.writeString(protocol.name());
        }
        json.writeEndArray();
        json.writeArrayFieldStart("allowedSources");
        for (Cidr source : tenant.allowedSources()) {
            json.writeString(source.toString());
        }
        json.writeEndArray();
        json.writeStringField("createdAt", tenant.createdAt().toString());
    }

    /** The account, with the client certificates it holds among {@code certificates} and their states. */
    static void account(JsonGenerator json, Account account, TenantCertificates certificates) throws IOException {
        json.writeStringField("id", account.id());
        json.writeStringField("tenant", account.tenant().value());
        json.writeStringField("username", account.username());
        if (account.expiresAt().isPresent()) {
            json.writeStringField("expiresAt", account.expiresAt().get().toString());
        }
        array(json, "clientCertificates", certificates.of(account.username()), (out, certificate) -> {
            out.writeStringField("fingerprint", certificate.fingerprint());
            out.writeStringField("subject", certificate.subject());
            validity(out, certificate.validity(), certificate.stateAt(certificates.at()));
        });
    }

    /**
     * A client certificate's {@code notBefore} and {@code notAfter} (null when the catalog does not know them: one
     * registered before V34) and its {@code state} ({@link CertificateState#key}).
     */
    static void validity(JsonGenerator json, Optional<Validity> validity, CertificateState state) throws IOException {
        json.writeFieldName("notBefore");
        writeInstant(json, validity.map(Validity::notBefore));
        json.writeFieldName("notAfter");
        writeInstant(json, validity.map(Validity::notAfter));
        json.writeStringField("state", state.key());
    }

    private static void writeInstant(JsonGenerator json, Optional<Instant> instant) throws IOException {
        if (instant.isPresent()) {
            json.writeString(instant.get().toString());
        } else {
            json.writeNull();
        }
    }

    static void route(JsonGenerator json, Route route) throws IOException {
        json.writeStringField("id", route.id());
        json.writeStringField("tenant", route.tenant().value());
        json.writeStringField("site", route.siteId());
        json.writeStringField("mode", route.mode().name().toLowerCase(java.util.Locale.ROOT));
        json.writeStringField("prefix", route.pathPrefix().toString());
        json.writeNumberField("maxFiles", route.maxFiles());
        json.writeNumberField("maxBytes", route.maxBytes());
        json.writeNumberField("idleCloseSeconds", route.idleClose().toSeconds());
    }
}
