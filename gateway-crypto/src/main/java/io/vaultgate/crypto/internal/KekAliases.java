package io.vaultgate.crypto.internal;

import io.vaultgate.crypto.KekId;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Names of KEK entries in a JCA key store (PKCS#12 file or PKCS#11 token). Tenant ids are
 * hex-encoded so that case-folding stores (PKCS#12 lower-cases aliases) cannot merge two tenants.
 *
 * <pre>
 * kek.&lt;hex tenant&gt;.&lt;version&gt;            an AES-256 KEK version
 * kek.&lt;hex tenant&gt;.&lt;version&gt;.disabled   that version is disabled (marker, or the renamed KEK)
 * tomb.&lt;hex tenant&gt;                      the tenant's KEKs were destroyed (marker)
 * </pre>
 */
public final class KekAliases {
  private KekAliases() {}

  public static String kek(KekId kek) {
    return "kek." + hex(kek.tenantId()) + "." + kek.version();
  }

  public static String disabled(KekId kek) {
    return kek(kek) + ".disabled";
  }

  public static String tomb(String tenantId) {
    return "tomb." + hex(tenantId);
  }

  /**
   * Rebuilds the per-tenant state from a store's aliases; aliases of other applications are
   * ignored.
   */
  public static Map<String, TenantKeys> index(Iterable<String> aliases) {
    Map<String, TenantKeys> tenants = new HashMap<>();
    for (String alias : aliases) {
      String[] parts = alias.split("\\.");
      if (parts.length < 2 || !(parts[0].equals("kek") || parts[0].equals("tomb"))) {
        continue;
      }
      String tenant = new String(HexFormat.of().parseHex(parts[1]), StandardCharsets.US_ASCII);
      TenantKeys t = tenants.computeIfAbsent(tenant, k -> new TenantKeys());
      if (parts[0].equals("tomb")) {
        t.destroyed = true;
      } else if (parts.length == 4 && parts[3].equals("disabled")) {
        t.disabled.add(Integer.parseInt(parts[2]));
      } else if (parts.length == 3) {
        t.enabled.add(Integer.parseInt(parts[2]));
      }
    }
    for (TenantKeys t : tenants.values()) {
      t.enabled.removeAll(t.disabled);
      if (t.destroyed) {
        t.enabled.clear();
        t.disabled.clear();
      }
    }
    return tenants;
  }

  private static String hex(String id) {
    return HexFormat.of().formatHex(id.getBytes(StandardCharsets.US_ASCII));
  }
}
