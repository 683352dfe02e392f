package io.vaultgate.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.CatalogIndependent;
import org.junit.jupiter.api.Test;

@CatalogIndependent
class TenantLabelsTest {

    @Test
    void tenantsBeyondTheCap_shareTheOtherLabel() {
        TenantLabels labels = new TenantLabels(true, 2);

        assertThat(labels.of(TenantId.of("acme"))).isEqualTo("acme");
        assertThat(labels.of(TenantId.of("globex"))).isEqualTo("globex");
        assertThat(labels.of(TenantId.of("initech"))).isEqualTo(TenantLabels.OTHER);
    }

    @Test
    void aTenantSeenBeforeTheCapWasReached_keepsItsLabel() {
        TenantLabels labels = new TenantLabels(true, 1);
        labels.of(TenantId.of("acme"));
        labels.of(TenantId.of("globex"));

        assertThat(labels.of(TenantId.of("acme"))).isEqualTo("acme");
        assertThat(labels.of(TenantId.of("globex"))).isEqualTo(TenantLabels.OTHER);
    }

    @Test
    void disabledLabels_putEveryTenantUnderAll() {
        TenantLabels labels = new TenantLabels(false, 100);

        assertThat(labels.of(TenantId.of("acme"))).isEqualTo(TenantLabels.ALL);
    }

    @Test
    void aCapOfZero_labelsEveryTenantOther() {
        assertThat(new TenantLabels(true, 0).of(TenantId.of("acme"))).isEqualTo(TenantLabels.OTHER);
    }

    @Test
    void aNegativeCap_isRefused() {
        assertThatThrownBy(() -> new TenantLabels(true, -1)).hasMessageContaining("-1");
    }
}
