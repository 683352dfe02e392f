package io.vaultgate.crypto.shred;

import io.vaultgate.crypto.EnvelopeContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What was crypto-shredded, when, by whom, and which keys. Signed by {@link ShreddingSigner}.
 *
 * <p>Canonical form (the signed bytes), UTF-8, one {@code key=value} per line, in this order:
 *
 * <pre>
 * vaultgate-shredding-record-v1
 * kind=FILE|TENANT
 * tenant=&lt;tenant id&gt;
 * file=&lt;file id, or "-" for a tenant&gt;
 * provider=&lt;key provider name&gt;
 * keys=&lt;comma-separated key ids&gt;
 * at=&lt;ISO-8601 instant&gt;
 * actor=&lt;who asked&gt;
 * </pre>
 *
 * @param keyIds for a tenant, its destroyed KEK ids ({@code tenant/vN}); for a file, the KEK id
 *     of its deleted key slot and the slot's SHA-256 ({@code tenant/vN#sha256:...})
 */
public record ShreddingRecord(
    Kind kind, String tenantId, String fileId, String provider, List<String> keyIds, Instant at,
    String actor) {
  /** What was shredded. */
  public enum Kind { FILE, TENANT }

  private static final String HEADER = "vaultgate-shredding-record-v1";

  public ShreddingRecord {
    Objects.requireNonNull(kind, "kind");
    EnvelopeContext.validateId("tenantId", tenantId);
    if (kind == Kind.FILE) {
      EnvelopeContext.validateId("fileId", fileId);
    } else if (fileId != null) {
      throw new IllegalArgumentException("a tenant shredding record has no file id");
    }
    EnvelopeContext.validateId("provider", provider);
    keyIds = List.copyOf(keyIds);
    for (String k : keyIds) {
      if (k.isEmpty() || k.contains(",") || !isLine(k)) {
        throw new IllegalArgumentException("key id must be a non-empty line without commas: " + k);
      }
    }
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(actor, "actor");
    if (actor.isBlank() || !isLine(actor)) {
      throw new IllegalArgumentException("actor must be a non-blank single line");
    }
  }

  /** The exact bytes that are signed. */
  public byte[] canonicalBytes() {
    return canonicalText().getBytes(StandardCharsets.UTF_8);
  }

  String canonicalText() {
    return HEADER + "\n"
        + "kind=" + kind + "\n"
        + "tenant=" + tenantId + "\n"
        + "file=" + (fileId == null ? "-" : fileId) + "\n"
        + "provider=" + provider + "\n"
        + "keys=" + String.join(",", keyIds) + "\n"
        + "at=" + at + "\n"
        + "actor=" + actor + "\n";
  }

  /**
   * Parses {@link #canonicalText()}; throws IllegalArgumentException if it is not one, byte for byte, so a
   * record verifies only as the exact text that was signed (as {@code openssl pkeyutl -verify} checks it).
   */
  static ShreddingRecord parse(String text) {
    String[] lines = text.split("\n", -1);
    if (lines.length != 9 || !lines[0].equals(HEADER) || !lines[8].isEmpty()) {
      throw new IllegalArgumentException("not a shredding record");
    }
    String[] v = new String[7];
    String[] keys = {"kind", "tenant", "file", "provider", "keys", "at", "actor"};
    for (int i = 0; i < keys.length; i++) {
      String prefix = keys[i] + "=";
      if (!lines[i + 1].startsWith(prefix)) {
        throw new IllegalArgumentException("shredding record line " + (i + 2) + " must be " + prefix);
      }
      v[i] = lines[i + 1].substring(prefix.length());
    }
    ShreddingRecord record = new ShreddingRecord(Kind.valueOf(v[0]), v[1], v[2].equals("-") ? null : v[2], v[3],
        v[4].isEmpty() ? List.of() : List.of(v[4].split(",")), Instant.parse(v[5]), v[6]);
    if (!record.canonicalText().equals(text)) {
      // e.g. "keys=a/v1,," or an "at=" with an offset: the same meaning, other bytes than the ones signed
      throw new IllegalArgumentException("shredding record is not in canonical form");
    }
    return record;
  }

  private static boolean isLine(String s) {
    return s.chars().noneMatch(c -> c == '\n' || c == '\r');
  }
}
