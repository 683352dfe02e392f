package io.vaultgate.https.admin;

import static io.vaultgate.https.admin.AdminArguments.tenantId;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.handler.codec.http.HttpMethod;
import io.vaultgate.core.admin.SiteRemoval;
import io.vaultgate.https.http.Json;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** {@code /v1/admin/sites}: the partner sites that receive files; their operators are {@link OperatorsAdminApi}'s. */
final class SitesAdminApi {

    static final List<AdminOperation> OPERATIONS = List.of(
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/sites", SitesAdminApi::create),
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/sites/{site}/remove", SitesAdminApi::remove));

    private SitesAdminApi() {
    }

    /** A site's id follows the tenant id rules (it names directories and appears in paths). */
    private static AdminResult create(AdminServices admin, Map<String, String> params, JsonBody body) {
        String id = tenantId(body.string("id")).value();
        String name = body.optionalString("name").orElse(id);
        admin.sites().createSite(id, name);
        return AdminResult.created(Json.object(json -> {
            json.writeStringField("id", id);
            json.writeStringField("name", name);
        }));
    }

    /**
     * Removes the site and its operators ({@code reason} required); 409 while a route is left for it, or work unless
     * {@code abandonWork} is true, which abandons the site's unfinished batches and forwards instead. The batches
     * and forward jobs abandoned are counted ({@code batchesAbandonedCount}, {@code forwardsAbandonedCount}) and the
     * first {@link SiteRemoval#SAMPLE} of each named ({@code batchesAbandoned}, {@code forwardsAbandoned}, with
     * {@code batchesAbandonedTruncated}, {@code forwardsAbandonedTruncated} when there are more): a site may have
     * millions.
     */
    private static AdminResult remove(AdminServices admin, Map<String, String> params, JsonBody body) {
        SiteRemoval.RemovedSite removed = admin.siteRemoval().removeSite(params.get("site"), body.string("reason"),
                admin.actor(), body.bool("abandonWork", false) ? SiteRemoval.UnfinishedWork.ABANDON
                        : SiteRemoval.UnfinishedWork.REFUSE);
        return AdminResult.ok(Json.object(json -> {
            json.writeStringField("site", removed.siteId());
            strings(json, "operatorsRemoved", removed.operatorsRemoved());
            json.writeNumberField("sessionsEnded", removed.sessionsEnded());
            strings(json, "batchesAbandoned", removed.batchesAbandoned());
            json.writeNumberField("batchesAbandonedCount", removed.batchesAbandonedCount());
            json.writeBooleanField("batchesAbandonedTruncated", removed.moreBatchesAbandoned());
            strings(json, "forwardsAbandoned", removed.forwardsAbandoned());
            json.writeNumberField("forwardsAbandonedCount", removed.forwardsAbandonedCount());
            json.writeBooleanField("forwardsAbandonedTruncated", removed.moreForwardsAbandoned());
        }));
    }

    private static void strings(JsonGenerator json, String name, List<String> values) throws IOException {
        json.writeArrayFieldStart(name);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }
}
