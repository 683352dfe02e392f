package io.vaultgate.core.forward;

import io.vaultgate.core.catalog.Jdbc;
import java.net.URI;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The forwarding configuration of sites: {@code sites.endpoint} and the {@code site_forwarding} row; a removed
 * site has none (nothing is sent to it, even for an old job an administrator retries). The
 * forwarder reads a site's row for every file (so a changed configuration applies to the next file); the
 * parsed form is kept per site and reused while the row's text is unchanged, so certificates and CRLs are
 * not parsed again for every file.
 */
public final class ForwardingSites {

    /** A site's row as stored. */
    private record Row(String endpoint, String trustAnchors, String clientChain, String clientKeyFile,
                       String recipientKey, int maxConcurrency, boolean digestRequired, String revocationLists) {
    }

    private record Parsed(Row row, SiteForwarding site) {
    }

    private final Map<String, Parsed> parsed = new ConcurrentHashMap<>();

    /**
     * A site's columns as {@link #map} reads them, from {@code sites s} and {@code site_forwarding sf}, labelled
     * apart from other tables' (for {@link JobLookup}'s join).
     */
    static final String COLUMNS = "s.id AS site_id, s.endpoint AS site_endpoint, sf.trust_anchors AS site_trust_anchors, "
            + "sf.client_chain AS site_client_chain, sf.client_key_file AS site_client_key_file, "
            + "s.recipient_key AS site_recipient_key, sf.max_concurrency AS site_max_concurrency, "
            + "sf.digest_required AS site_digest_required, sf.revocation_lists AS site_revocation_lists";

    private static final String SELECT = "SELECT " + COLUMNS + " FROM sites s JOIN site_forwarding sf "
            + "ON sf.site_id = s.id WHERE s.removed_at IS NULL";

    /** Saves the endpoint and TLS settings; the site's recipient key is not touched ({@link #setRecipientKey}). */
    public void save(Jdbc jdbc, SiteForwarding site, Instant now) throws SQLException {
        jdbc.update("UPDATE sites SET endpoint = ? WHERE id = ?", site.endpoint().toString(), site.siteId());
        jdbc.update("DELETE FROM site_forwarding WHERE site_id = ?", site.siteId());
        jdbc.update("INSERT INTO site_forwarding (site_id, trust_anchors, client_chain, client_key_file, "
                        + "recipient_key, max_concurrency, digest_required, revocation_lists, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                site.siteId(), CertificatesPem.encode(site.trustAnchors()), CertificatesPem.encode(site.clientChain()),
                site.clientKeyFile().toString(), null, site.maxConcurrency(),
                site.digestRequired(), site.revocationLists().isEmpty() ? null
                        : CertificatesPem.encodeCrls(site.revocationLists()), now.toEpochMilli());
    }

    /** Sets or clears the site's X25519 recipient key (base64); false if the site does not exist. */
    public boolean setRecipientKey(Jdbc jdbc, String siteId, Optional<String> base64) throws SQLException {
        return jdbc.update("UPDATE sites SET recipient_key = ? WHERE id = ? AND removed_at IS NULL", base64.orElse(null),
                siteId) == 1;
    }

    public Optional<String> recipientKey(Jdbc jdbc, String siteId) throws SQLException {
        return jdbc.queryOne("SELECT recipient_key FROM sites WHERE id = ?", row -> Optional.ofNullable(
                row.getString(1)), siteId).flatMap(key -> key);
    }

    public Optional<SiteForwarding> find(Jdbc jdbc, String siteId) throws SQLException {
        return jdbc.queryOne(SELECT + " AND s.id = ?", this::map, siteId);
    }

    public List<SiteForwarding> all(Jdbc jdbc) throws SQLException {
        return jdbc.query(SELECT + " ORDER BY s.id", this::map);
    }

    public boolean siteExists(Jdbc jdbc, String siteId) throws SQLException {
        return jdbc.count("SELECT COUNT(*) FROM sites WHERE id = ? AND removed_at IS NULL", siteId) > 0;
    }

    /** The site of a row that selected {@link #COLUMNS} (labels {@code site_*}), parsed or as parsed before. */
    SiteForwarding map(ResultSet result) throws SQLException {
        String id = result.getString("site_id");
        Row row = new Row(result.getString("site_endpoint"), result.getString("site_trust_anchors"),
                result.getString("site_client_chain"), result.getString("site_client_key_file"),
                result.getString("site_recipient_key"), result.getInt("site_max_concurrency"),
                result.getBoolean("site_digest_required"), result.getString("site_revocation_lists"));
        Parsed known = parsed.get(id);
        if (known != null && known.row().equals(row)) {
            return known.site();
        }
        SiteForwarding site = new SiteForwarding(id, URI.create(row.endpoint()),
                CertificatesPem.decode(row.trustAnchors(), "site " + id + " trust anchors"),
                CertificatesPem.decode(row.clientChain(), "site " + id + " client chain"),
                Path.of(row.clientKeyFile()), Optional.ofNullable(row.recipientKey()), row.maxConcurrency(),
                row.digestRequired(), CertificatesPem.decodeCrls(row.revocationLists(), "site " + id
                        + " revocation lists"));
        parsed.put(id, new Parsed(row, site));
        return site;
    }
}
