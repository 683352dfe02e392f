package io.vaultgate.core.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.FileContents;
import io.vaultgate.core.testing.TestCore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property test: principals of three tenants (two accounts each) upload files whose contents name their
 * owner; then every principal probes every name it could try — other principals' paths, traversal tricks,
 * NFD look-alikes, relative and absolute forms. Whatever a principal can read, list or stat is its own;
 * it never reads, lists or learns the existence of anyone else's file.
 */
class TenantIsolationTest {

    private static final List<String> NAMES = List.of("a.csv", "report.txt", "caf\u00e9.csv", "deep/x.bin",
            "deep/er/y.bin", "secret");

    @TempDir
    Path home;
    private TestCore test;
    private final List<ClientPrincipal> principals = new ArrayList<>();
    private final Map<ClientPrincipal, Set<String>> owned = new HashMap<>();

    @BeforeEach
    void uploadFilesForEveryPrincipal() {
        test = TestCore.create(home);
        Random random = new Random(42);
        for (String tenant : List.of("acme", "globex", "initech")) {
            for (String user : List.of("u1", "u2")) {
                ClientPrincipal principal = test.client(tenant, tenant + "-" + user, Protocol.SFTP);
                principals.add(principal);
                Set<String> paths = new java.util.HashSet<>();
                for (String name : NAMES) {
                    if (random.nextInt(3) > 0) {
                        String path = "/inbox/" + name;
                        upload(principal, path);
                        paths.add(PathPolicy.parse(path).toString());
                    }
                }
                owned.put(principal, paths);
            }
        }
    }

    @AfterEach
    void close() {
        test.close();
    }

    @Test
    void noPrincipal_everSeesAnotherPrincipalsFile() throws IOException {
        Random random = new Random(7);
        for (ClientPrincipal principal : principals) {
            for (String probe : probes(random)) {
                VirtualPath path;
                try {
                    path = PathPolicy.parse(probe);
                } catch (GatewayException invalid) {
                    continue;
                }
                checkRead(principal, path);
                checkStat(principal, path);
                checkList(principal, path);
            }
        }
    }

    @Test
    void writesThroughTrickyPaths_landOnlyInTheWritersOwnNamespace() throws IOException {
        ClientPrincipal writer = principals.get(0);
        for (String probe : List.of("/inbox/../inbox/new.csv", "inbox//new2.csv", "/./inbox/./new3.csv",
                "/inbox/cafe\u0301-new.csv")) {
            upload(writer, probe);
            VirtualPath path = PathPolicy.parse(probe);
            assertThat(read(writer, path)).startsWith(owner(writer) + ":");
            for (ClientPrincipal other : principals.subList(1, principals.size())) {
                assertThat(visible(other, path)).as(other.username() + " sees " + path).isFalse();
            }
        }
    }

    private void checkRead(ClientPrincipal principal, VirtualPath path) throws IOException {
        try {
            String content = read(principal, path);
            assertThat(content).as(principal.username() + " read " + path).startsWith(owner(principal) + ":");
        } catch (GatewayException expected) {
            assertThat(owned.get(principal)).as("%s cannot read its own %s", principal.username(), path)
                    .doesNotContain(path.toString());
        }
    }

    private void checkStat(ClientPrincipal principal, VirtualPath path) {
        if (visible(principal, path) && path.depth() >= 2) {
            boolean ownFile = owned.get(principal).contains(path.toString());
            boolean ownDirectory = owned.get(principal).stream().anyMatch(p -> p.startsWith(path + "/"));
            assertThat(ownFile || ownDirectory).as("%s learns that %s exists", principal.username(), path).isTrue();
        }
    }

    private void checkList(ClientPrincipal principal, VirtualPath path) {
        try {
            for (FileEntry entry : test.core().files().list(principal, path)) {
                if (entry.directory()) {
                    continue;
                }
                assertThat(owned.get(principal)).as("%s lists %s", principal.username(), entry.path())
                        .contains(entry.path().toString());
            }
        } catch (GatewayException notADirectoryOrNotVisible) {
            // nothing leaked
        }
    }

    private boolean visible(ClientPrincipal principal, VirtualPath path) {
        try {
            test.core().files().stat(principal, path);
            return true;
        } catch (GatewayException notVisible) {
            return false;
        }
    }

    private List<String> probes(Random random) {
        List<String> probes = new ArrayList<>(List.of("/", "/inbox", "/outbox", "/inbox/deep", "/inbox/deep/er"));
        List<String> tenants = List.of("acme", "globex", "initech", "objects", "..", "%2e%2e");
        for (String name : NAMES) {
            String tenant = tenants.get(random.nextInt(tenants.size()));
            probes.add("/inbox/" + name);
            probes.add("inbox/" + name);
            probes.add("/inbox/../inbox/" + name);
            probes.add("/" + tenant + "/inbox/" + name);
            probes.add("/inbox/" + tenant + "/../" + name);
            probes.add("/inbox/%2e%2e/" + name);
            probes.add("/inbox/" + name.replace("\u00e9", "e\u0301"));
            probes.add("/INBOX/" + name);
            probes.add("/outbox/../inbox/" + name);
            probes.add("/../../inbox/" + name);
            probes.add("//inbox//" + name + "/");
        }
        return probes;
    }

    private void upload(ClientPrincipal principal, String path) {
        byte[] content = (owner(principal) + ":" + path).getBytes(StandardCharsets.UTF_8);
        try (Upload upload = test.core().ingest().open(principal, PathPolicy.parse(path), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(content));
            upload.commit();
        }
    }

    private String read(ClientPrincipal principal, VirtualPath path) throws IOException {
        return new String(FileContents.readAll(test.core(), principal, path), StandardCharsets.UTF_8);
    }

    private static String owner(ClientPrincipal principal) {
        return principal.tenant() + "/" + principal.accountId();
    }
}
