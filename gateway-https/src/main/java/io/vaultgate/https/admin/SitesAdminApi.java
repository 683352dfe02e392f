package io.vaultgate.https.admin;

import static io.vaultgate.https.admin.AdminArguments.tenantId;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.handler.codec.http.HttpMethod;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.admin.SiteRemoval;
import io.vaultgate.core.site.Site;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.https.http.Json;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /v1/admin/sites}: the partner sites that receive files, and the networks their operators may log in from;
 * their operators are {@link OperatorsAdminApi}'s.
 */
final class SitesAdminApi {

    static final List<AdminOperation> OPERATIONS = List.of(
            new AdminOperation(HttpMethod.GET, AdminApi.PREFIX + "/sites", SitesAdminApi::list),
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/sites", SitesAdminApi::create),
            new AdminOperation(HttpMethod.GET, AdminApi.PREFIX + "/sites/{site}", SitesAdminApi::show),
            new AdminOperation(HttpMethod.PATCH, AdminApi.PREFIX + "/sites/{site}", SitesAdminApi::change),
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/sites/{site}/remove", SitesAdminApi::remove));

    private SitesAdminApi() {
    }

    private static AdminResult list(AdminServices admin, Map<String, String> params, JsonBody body) {
        List<Site> sites = admin.sites().sites();
        return AdminResult.ok(Json.object(json -> AdminJson.array(json, "sites", sites, SitesAdminApi::site)));
    }

    private static AdminResult show(AdminServices admin, Map<String, String> params, JsonBody body) {
        Site site = existingSite(admin, params);
        return AdminResult.ok(Json.object(json -> site(json, site)));
    }

    /**
     * {@code allowedSources}: the networks the site's operators may log in from, empty for any address; every entry
     * is parsed before anything changes, so a bad one changes nothing. Audited ({@code SITE_UPDATED}) when it changes.
     */
    private static AdminResult change(AdminServices admin, Map<String, String> params, JsonBody body) {
        Site current = existingSite(admin, params);
        Optional<List<Cidr>> sources = body.optionalStrings("allowedSources").map(SitesAdminApi::cidrs);
        if (sources.isPresent()) {
            try {
                admin.sites().setAllowedSources(current.id(), sources.get());
            } catch (IllegalArgumentException e) {
                throw JsonBody.invalid("field allowedSources: " + e.getMessage());
            }
        }
        return show(admin, params, body);
    }

    private static Site existingSite(AdminServices admin, Map<String, String> params) {
        String id = params.get("site");
        return admin.sites().site(id).orElseThrow(() -> new GatewayException(GatewayException.Reason.NOT_FOUND,
                "site " + id + " does not exist"));
    }

    private static void site(JsonGenerator json, Site site) throws IOException {
        json.writeStringField("id", site.id());
        json.writeStringField("name", site.name());
        json.writeStringField("createdAt", site.createdAt().toString());
        json.writeBooleanField("sealed", site.recipientKey().isPresent());
        strings(json, "allowedSources", site.allowedSources().stream().map(Cidr::toString).toList());
    }

    private static List<Cidr> cidrs(List<String> texts) {
        try {
            return texts.stream().map(Cidr::parse).toList();
        } catch (IllegalArgumentException e) {
            throw JsonBody.invalid("field allowedSources: " + e.getMessage());
        }
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
