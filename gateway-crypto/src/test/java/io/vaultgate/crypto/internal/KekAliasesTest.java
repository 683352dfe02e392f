package io.vaultgate.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.crypto.KekId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KekAliasesTest {

  @Test
  void ourAliases_areIndexed() {
    KekId v1 = new KekId("acme", 1);
    KekId v2 = new KekId("acme", 2);
    Map<String, TenantKeys> index = KekAliases.index(List.of(
        KekAliases.kek(v1), KekAliases.kek(v2), KekAliases.disabled(v1), KekAliases.tomb("gone")));
    assertThat(index.get("acme").enabled).containsExactly(2);
    assertThat(index.get("acme").disabled).containsExactly(1);
    assertThat(index.get("gone").destroyed).isTrue();
  }

  @Test
  void aliasesOfOtherApplications_areIgnored_evenWhenTheyStartLikeOurs() {
    List<String> aliases = List.of("kek.master", "kek.backup.2024", "kek.61636d65.latest",
        "kek.61636d65.-1", "kek.61636d65.01", "kek.61636d65.1.old", "tomb.stone", "kek.", "tomb",
        "signing-key", "kek.6.1", "kek.00.1", KekAliases.kek(new KekId("acme", 1)));
    Map<String, TenantKeys> index = KekAliases.index(aliases);
    assertThat(index).containsOnlyKeys("acme");
    assertThat(index.get("acme").enabled).containsExactly(1);
    assertThat(index.get("acme").destroyed).isFalse();
  }
}
