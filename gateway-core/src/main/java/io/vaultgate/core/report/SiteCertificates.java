package io.vaultgate.core.report;

import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.RouteRepository;
import io.vaultgate.core.forward.ForwardingSites;
import io.vaultgate.core.forward.SiteForwarding;
import io.vaultgate.core.pki.Fingerprints;
import io.vaultgate.core.site.Route;
import io.vaultgate.core.tenant.TenantId;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The sites the tenant's data went to (routes, forwards, batches), each with the SHA-256 fingerprints of
 * the certificates the gateway pins for it: the site's trust anchors, which any server certificate it
 * accepts must chain to, and the gateway's own client certificate for that site (mutual TLS).
 */
final class SiteCertificates {

    private final RouteRepository routes = new RouteRepository();
    private final ForwardingSites forwarding = new ForwardingSites();

    List<Map<String, Object>> of(Jdbc jdbc, TenantId tenant, HistorySections sections) throws SQLException {
        TreeSet<String> siteIds = new TreeSet<>();
        List<Route> tenantRoutes = routes.byTenant(jdbc, tenant);
        tenantRoutes.forEach(route -> siteIds.add(route.siteId()));
        sections.forwards.forEach(row -> siteIds.add((String) row.get("site")));
        sections.operatorAccess.stream().map(row -> row.get("site")).filter(String.class::isInstance)
                .forEach(site -> siteIds.add((String) site));
        List<Map<String, Object>> sites = new ArrayList<>();
        for (String siteId : siteIds) {
            Map<String, Object> site = new LinkedHashMap<>();
            site.put("site", siteId);
            site.put("routes", tenantRoutes.stream().filter(route -> route.siteId().equals(siteId))
                    .map(route -> route.mode().name() + " " + route.pathPrefix()).toList());
            Optional<SiteForwarding> tls = forwarding.find(jdbc, siteId);
            site.put("endpoint", tls.map(t -> t.endpoint().toString()).orElse(null));
            site.put("trust_anchor_sha256", tls.map(t -> fingerprints(t.trustAnchors())).orElse(List.of()));
            site.put("gateway_client_certificate_sha256", tls.filter(t -> !t.clientChain().isEmpty())
                    .map(t -> Fingerprints.sha256(t.clientChain().get(0))).orElse(null));
            sites.add(site);
        }
        return sites;
    }

    private static List<String> fingerprints(List<X509Certificate> certificates) {
        return certificates.stream().map(Fingerprints::sha256).toList();
    }
}
