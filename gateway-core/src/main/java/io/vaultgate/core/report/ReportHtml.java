package io.vaultgate.core.report;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a transparency report as one standalone HTML page (inline style, no scripts, no external
 * resources), every value escaped. The page names the SHA-256 of the signed JSON it was rendered from.
 */
final class ReportHtml {

    private static final List<String[]> SECTIONS = List.of(
            new String[] {"kek_versions", "Key-encryption key versions and rotation dates"},
            new String[] {"key_operations", "Key operations in the period"},
            new String[] {"operator_access", "Every access to the tenant's files by operators"},
            new String[] {"forwards", "Files forwarded to sites, and forwards abandoned when their site was removed"},
            new String[] {"sites", "Sites and the certificates pinned for them (SHA-256)"},
            new String[] {"failed_access", "Failed access attempts, and live sessions ended because what admitted "
                    + "them no longer held"},
            new String[] {"retention_actions", "Retention actions"},
            new String[] {"shredding", "Shredding records"},
            new String[] {"tenant_changes", "Changes to the tenant (status, retention, quota)"},
            new String[] {"account_changes", "The tenant's accounts and their credentials: created, added, revoked, "
                    + "and by whom"});

    private ReportHtml() {
    }

    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> report, String jsonSha256) {
        Map<String, Object> tenant = (Map<String, Object>) report.get("tenant");
        Map<String, Object> period = (Map<String, Object>) report.get("period");
        Map<String, Object> encryption = (Map<String, Object>) report.get("encryption");
        Map<String, Object> policy = (Map<String, Object>) report.get("policy");
        Map<String, Object> audit = (Map<String, Object>) report.get("audit");
        StringBuilder html = new StringBuilder();
        html.append(SignedReport.HTML_START)
                .append(escape(tenant.get("id"))).append(' ').append(escape(period.get("month"))).append("</title>\n")
                .append("<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:"
                        + "collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;"
                        + "vertical-align:top}th{background:#f3f3f3}code{font-size:12px}.none{color:#777}</style>\n"
                        + "</head><body>\n");
        html.append("<h1>Transparency report: ").append(escape(tenant.get("name"))).append(" (")
                .append(escape(tenant.get("id"))).append("), ").append(escape(period.get("month"))).append("</h1>\n");
        html.append("<p>Period ").append(escape(period.get("from"))).append(" to ").append(escape(period.get("until")))
                .append(" (exclusive). Generated ").append(escape(report.get("generated_at"))).append(". Tenant status ")
                .append(escape(tenant.get("status"))).append(", retention ").append(escape(tenant.get("retention")))
                .append(".</p>\n");
        html.append("<h2>Encryption in use</h2>\n<p>").append(escape(encryption.get("payload_suite"))).append("</p>\n");
        table(html, (List<Map<String, Object>>) encryption.get("key_slots"));
        for (String[] section : SECTIONS) {
            html.append("<h2>").append(escape(section[1])).append("</h2>\n");
            table(html, (List<Map<String, Object>>) report.get(section[0]));
        }
        html.append("<h2>Data-handling policy</h2>\n<p>Current version: ")
                .append(escape(policy.get("current_version") == null ? "none published" : policy.get("current_version")))
                .append("</p>\n");
        table(html, (List<Map<String, Object>>) policy.get("versions"));
        html.append("<h3>Acknowledgements in the period</h3>\n");
        table(html, (List<Map<String, Object>>) policy.get("acknowledgements"));
        html.append("<h2>Audit log</h2>\n<p>").append(escape(audit.get("events_in_period")))
                .append(" events of the tenant in the period (records ").append(escape(audit.get("first_seq")))
                .append("..").append(escape(audit.get("last_seq"))).append("). Chain check: ")
                .append(escape(audit.get("chain"))).append("</p>\n");
        html.append("<hr><p>This page renders the signed JSON report whose SHA-256 is <code>").append(escape(jsonSha256))
                .append("</code>. Both files are signed with the gateway's Ed25519 audit key <code>")
                .append(escape(report.get("key"))).append("</code>; check them offline with <code>vaultgate report "
                        + "verify FILE --public-key audit-signing.pub</code> or <code>openssl pkeyutl -verify -pubin "
                        + "-inkey audit-signing.pub -rawin -in FILE -sigfile FILE.sig</code>.</p>\n</body></html>\n");
        return html.toString();
    }

    private static void table(StringBuilder html, List<Map<String, Object>> rows) {
        if (rows == null || rows.isEmpty()) {
            html.append("<p class=\"none\">None.</p>\n");
            return;
        }
        Set<String> columns = new LinkedHashSet<>();
        rows.forEach(row -> columns.addAll(new java.util.TreeSet<>(row.keySet())));
        html.append("<table><tr>");
        columns.forEach(column -> html.append("<th>").append(escape(column)).append("</th>"));
        html.append("</tr>\n");
        for (Map<String, Object> row : rows) {
            html.append("<tr>");
            columns.forEach(column -> html.append("<td>").append(escape(cell(row.get(column)))).append("</td>"));
            html.append("</tr>\n");
        }
        html.append("</table>\n");
    }

    private static Object cell(Object value) {
        if (value instanceof List<?> list) {
            return String.join(", ", list.stream().map(String::valueOf).toList());
        }
        return value == null ? "" : value;
    }

    static String escape(Object value) {
        String text = String.valueOf(value);
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
