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

    private static final String SELECT = "SELECT s.id, s.endpoint, f.trust_anchors, f.client_chain, "
            + "f.client_key_file, s.recipient_key, f.max_concurrency, f.digest_required, f.revocation_lists "
            + "FROM sites s JOIN site_forwarding f ON f.site_id = s.id WHERE s.removed_at IS NULL";

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

    private SiteForwarding map(ResultSet result) throws SQLException {
        String id = result.getString("id");
        Row row = new Row(result.getString("endpoint"), result.getString("trust_anchors"),
                result.getString("client_chain"), result.getString("client_key_file"),
                result.getString("recipient_key"), result.getInt("max_concurrency"),
                result.getBoolean("digest_required"), result.getString("revocation_lists"));
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
