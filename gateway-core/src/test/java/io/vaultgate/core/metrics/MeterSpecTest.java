package io.vaultgate.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.metrics.MeterSpec.Type;
import io.vaultgate.core.testing.CatalogIndependent;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

@CatalogIndependent
class MeterSpecTest {

    @Test
    void prometheusNames_followTheConventions() {
        assertThat(GatewayMetrics.TRANSFERS.prometheusName()).isEqualTo("vaultgate_transfers_total");
        assertThat(GatewayMetrics.TRANSFER_BYTES.prometheusName()).isEqualTo("vaultgate_transfer_bytes_total");
        assertThat(GatewayMetrics.TRANSFER_DURATION.prometheusName()).isEqualTo("vaultgate_transfer_duration_seconds");
        assertThat(GatewayMetrics.TRANSFER_SIZE.prometheusName()).isEqualTo("vaultgate_transfer_size_bytes");
        assertThat(GatewayMetrics.UPLOADS_ACTIVE.prometheusName()).isEqualTo("vaultgate_uploads_active");
        assertThat(GatewayMetrics.AUTH_FAILURES.prometheusName()).isEqualTo("vaultgate_auth_failures_total");
    }

    @Test
    void everyMeter_hasAUniqueNameAndADescription() {
        List<MeterSpec> all = GatewayMetrics.all();
        Set<String> names = all.stream().map(MeterSpec::prometheusName).collect(Collectors.toSet());

        assertThat(names).hasSize(all.size());
        assertThat(all).allSatisfy(spec -> assertThat(spec.description()).isNotBlank());
    }

    @Test
    void namesOutsideTheVaultgateNamespace_areRefused() {
        assertThatThrownBy(() -> new MeterSpec("transfers", Type.COUNTER, "d", "", List.of()))
                .hasMessageContaining("vaultgate.");
    }
}
