package io.vaultgate.core.storage.s3;

import io.vaultgate.core.storage.StoreId;
import io.vaultgate.core.storage.StoreMarker;
import io.vaultgate.core.storage.StoreNotRecognized;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The marker of an S3 store: the object {@code <prefix>.vaultgate-store}, beside the tenants' prefixes (no sweep
 * lists it). A PUT is durable once S3 answers it.
 */
final class S3StoreMarker implements StoreMarker {

    private final S3Target target;

    S3StoreMarker(S3Target target) {
        this.target = target;
    }

    @Override
    public String location() {
        return "s3://" + target.bucket() + "/" + target.key();
    }

    @Override
    public Optional<StoreId> read() throws IOException {
        ResponseBytes<GetObjectResponse> content;
        try {
            content = target.client().getObjectAsBytes(r -> r.bucket(target.bucket()).key(target.key()));
        } catch (SdkException e) {
            IOException failure = S3Failures.of("GET", target, e);
            if (failure instanceof NoSuchFileException) {
                return Optional.empty();
            }
            throw failure;
        }
        Optional<StoreId> id = StoreId.fromMarker(content.asByteArrayUnsafe());
        if (id.isEmpty()) {
            throw StoreNotRecognized.unreadableMarker(location());
        }
        return id;
    }

    @Override
    public void write(StoreId id) throws IOException {
        try {
            target.client().putObject(r -> r.bucket(target.bucket()).key(target.key())
                    .contentType("text/plain"), RequestBody.fromBytes(id.markerBytes()));
        } catch (SdkException e) {
            throw S3Failures.of("PUT", target, e);
        }
    }
}
