package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.catalog.OperatorRepository.OperatorRow;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.server.CoreResources;
import io.vaultgate.server.cli.CliHarness.Result;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * uxreview F8: {@code batch list} named the claiming operator by its internal id ({@code op_…}), which no other
 * command shows, while {@code operator list} shows login names. It now shows the name, with the id beside it; an
 * operator removed since keeps its id, marked removed.
 */
class BatchListClaimerTest {

    @TempDir
    Path home;

    private CliHarness cli;
    private String batchId;
    private String operatorId;

    @BeforeEach
    void aBatchClaimedByMaria() {
        cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        for (String[] command : new String[][] {{"tenant", "add", "acme"},
                {"site", "add", "manila", "--name", "Manila"}, {"operator", "add", "maria", "--site", "manila"},
                {"site", "route", "--tenant", "acme", "--site", "manila", "--max-files", "1"}}) {
            Result result = cli.run(command);
            assertThat(result.exitCode()).as(String.join(" ", command) + ": " + result.err()).isZero();
        }
        try (CoreResources gateway = AcmeHome.open(home)) {
            GatewayCore core = gateway.core();
            Account alice = core.administration().createAccount(AcmeHome.ACME, "alice");
            try (Upload upload = core.ingest().open(AcmeHome.alice(alice), PathPolicy.parse("/inbox/a.csv"),
                    UploadMode.CREATE)) {
                upload.write(0, ByteBuffer.wrap("a,b\n".getBytes(StandardCharsets.US_ASCII)));
                upload.commit();
            }
            OperatorRow maria = core.incidents().offboarding().operators(Optional.of("manila")).get(0);
            OperatorPrincipal operator = maria.principal(Protocol.HTTPS);
            Batch ready = core.batches().available(operator).get(0);
            batchId = core.batches().claim(operator, ready.id()).id();
            operatorId = maria.id();
        }
    }

    @Test
    void theClaimingOperator_isShownByName_withItsId() {
        Result list = cli.run("batch", "list", "--tenant", "acme");

        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).containsPattern(batchId + " +CLAIMED .*maria \\(" + operatorId + "\\)");
    }

    @Test
    void anOperatorRemovedSince_keepsItsId_markedRemoved() {
        try (CoreResources gateway = AcmeHome.open(home)) {
            OperatorPrincipal operator = gateway.core().incidents().offboarding().operators(Optional.of("manila"))
                    .get(0).principal(Protocol.HTTPS);
            gateway.core().batches().complete(operator, batchId);
        }
        assertThat(cli.run("operator", "remove", "maria", "--reason", "left").exitCode()).isZero();

        Result list = cli.run("batch", "list", "--tenant", "acme");

        assertThat(list.out()).containsPattern(batchId + " +COMPLETED .*" + operatorId + " \\(removed operator\\)");
    }
}
