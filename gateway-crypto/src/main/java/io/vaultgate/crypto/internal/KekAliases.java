package io.vaultgate.crypto.internal;

import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KekId;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

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
   * Rebuilds the per-tenant state from a store's aliases. Aliases of other applications are ignored,
   * also those that start like ours ({@code kek.master}, {@code tomb.stone}): only an alias whose
   * tenant part is the hex of a valid tenant id and whose version is a positive number counts.
   */
  public static Map<String, TenantKeys> index(Iterable<String> aliases) {
    Map<String, TenantKeys> tenants = new HashMap<>();
    for (String alias : aliases) {
      add(tenants, alias);
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

  /**
   * The KEK version an alias of ours names: a KEK ({@code kek.<hex>.<v>}) or its disabled form or
   * marker ({@code kek.<hex>.<v>.disabled}); empty for a tombstone or another application's alias.
   */
  public static Optional<KekId> kekOf(String alias) {
    Parsed p = parse(alias);
    return p == null || p.version == 0 ? Optional.empty() : Optional.of(new KekId(p.tenant, p.version));
  }

  /** One of our aliases: a tombstone (version 0), or a KEK version, disabled or not. */
  private record Parsed(String tenant, int version, boolean disabled) {}

  private static Parsed parse(String alias) {
    String[] parts = alias.split("\\.", -1);
    boolean tomb = parts.length == 2 && parts[0].equals("tomb");
    boolean disabled = parts.length == 4 && parts[3].equals("disabled");
    boolean kek = parts[0].equals("kek") && (parts.length == 3 || disabled);
    if (!tomb && !kek) {
      return null;
    }
    String tenant = tenantOf(parts[1]);
    int version = kek ? versionOf(parts[2]) : 0;
    if (tenant == null || (kek && version < 1)) {
      return null;
    }
    return new Parsed(tenant, version, disabled);
  }

  private static void add(Map<String, TenantKeys> tenants, String alias) {
    Parsed p = parse(alias);
    if (p == null) {
      return;
    }
    TenantKeys t = tenants.computeIfAbsent(p.tenant, k -> new TenantKeys());
    if (p.version == 0) {
      t.destroyed = true;
    } else if (p.disabled) {
      t.disabled.add(p.version);
    } else {
      t.enabled.add(p.version);
    }
  }

  /** The tenant id whose hex is {@code hex}, or null if it is not the hex of a valid id. */
  private static String tenantOf(String hex) {
    try {
      String id = new String(HexFormat.of().parseHex(hex), StandardCharsets.US_ASCII);
      EnvelopeContext.validateId("tenantId", id);
      return id;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** A version number of at most 9 digits without a leading zero, or 0 if {@code text} is none. */
  private static int versionOf(String text) {
    return text.matches("[1-9][0-9]{0,8}") ? Integer.parseInt(text) : 0;
  }

  private static String hex(String id) {
    return HexFormat.of().formatHex(id.getBytes(StandardCharsets.US_ASCII));
  }
}
