package io.vaultgate.https.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vaultgate.core.site.Route;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.Tenant;
import java.io.IOException;
import java.util.List;

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

    static void account(JsonGenerator json, Account account) throws IOException {
        json.writeStringField("id", account.id());
        json.writeStringField("tenant", account.tenant().value());
        json.writeStringField("username", account.username());
        if (account.expiresAt().isPresent()) {
            json.writeStringField("expiresAt", account.expiresAt().get().toString());
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
