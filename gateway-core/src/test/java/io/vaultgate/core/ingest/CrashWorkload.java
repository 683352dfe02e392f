package io.vaultgate.core.ingest;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;

/**
 * The child process of {@link CrashSafetyIT}: uploads files forever, printing {@code COMMITTING <path>
 * <sha256>} before each commit and {@code ACK <path> <sha256>} after it returned (the moment a client is
 * told its file is safe), until it is killed.
 * Writes come in random sizes and partly out of order, and some uploads are left open (a dropped
 * connection) so kills land in every phase.
 */
public final class CrashWorkload {

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        String round = args[1];
        Random random = new Random(Long.parseLong(args[2]));
        TestCore test = TestCore.openOrCreate(home, new GatewayCore.Settings(Duration.ofHours(1), 16));
        ClientPrincipal client = clientOf(test, round);
        System.out.println("READY");
        for (int i = 0; ; i++) {
            String path = "/inbox/" + round + "-" + i + ".bin";
            byte[] data = new byte[random.nextInt(3 * 1024 * 1024)];
            random.nextBytes(data);
            Upload upload = test.core().ingest().open(client, PathPolicy.parse(path), UploadMode.CREATE);
            int offset = 0;
            while (offset < data.length) {
                int length = Math.min(data.length - offset, 1 + random.nextInt(200_000));
                if (offset + length < data.length && random.nextInt(4) == 0) {
                    int next = Math.min(data.length - offset - length, 1 + random.nextInt(50_000));
                    upload.write(offset + length, ByteBuffer.wrap(data, offset + length, next));
                    upload.write(offset, ByteBuffer.wrap(data, offset, length));
                    length += next;
                } else {
                    upload.write(offset, ByteBuffer.wrap(data, offset, length));
                }
                offset += length;
            }
            if (random.nextInt(10) == 0) {
                upload.close(); // a dropped connection: kept as a resumable partial
                continue;
            }
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
            System.out.println("COMMITTING " + path + " " + sha);
            Receipt receipt = upload.commit();
            if (!sha.equals(receipt.sha256())) {
                throw new AssertionError("receipt digest differs for " + path);
            }
            System.out.println("ACK " + path + " " + sha);
        }
    }

    private static ClientPrincipal clientOf(TestCore test, String round) {
        String username = "crash-" + round;
        if (test.core().administration().tenant(TenantId.of("crashco")).isEmpty()) {
            test.core().administration().createTenant(TenantId.of("crashco"), "Crash Co", false);
        }
        return new ClientPrincipal(test.core().administration().createAccount(TenantId.of("crashco"), username).id(),
                username, TenantId.of("crashco"), Protocol.SFTP);
    }
}
