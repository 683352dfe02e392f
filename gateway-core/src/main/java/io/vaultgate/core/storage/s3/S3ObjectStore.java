package io.vaultgate.core.storage.s3;

import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.core.storage.PendingObject;
import io.vaultgate.core.storage.ReferencedObjects;
import io.vaultgate.core.storage.StoreMarker;
import io.vaultgate.core.tenant.TenantId;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.time.Clock;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Stores ciphertext objects in an S3 bucket, one key per object: {@code <prefix><tenant>/<object id>}.
 * Only envelope bytes ever reach it, so the bucket holds nothing readable without the tenant's key.
 *
 * <p><b>Writing.</b> An upload streams into a multipart upload as it arrives ({@link MultipartChannel}): one
 * part in memory per upload, nothing on local disk, part boundaries on envelope segment boundaries
 * ({@link PartLayout}). {@link #commit} completes the upload (or PUTs an object that fits in one part).
 * A failed or abandoned upload is aborted when its pending object is closed.
 *
 * <p><b>Partials.</b> {@link PendingObject#sync()} completes what was written so far into the object under
 * the key: a suspended envelope, which no reader accepts because it has no final segment. {@link #reopen}
 * continues it: open uploads a crash left on the key are settled first ({@link LeftoverUploads}: the longest
 * run of whole parts is completed, the rest aborted), the last part is read back into memory, and when the
 * upload moves on, the earlier parts are copied server-side into the new multipart upload. Unlike the
 * filesystem store there is no separate pending location: whether an object is committed is the catalog's
 * to say, and a committed object replaces the partial under the same key atomically.
 *
 * <p><b>Reading.</b> {@link #open} returns a channel of ranged GETs ({@link RangeReadChannel}), so a
 * random-access read fetches only the segments it decrypts.
 *
 * <p><b>Sweeping.</b> {@link #sweep} removes objects and open multipart uploads that no kept id names,
 * but only those older than the grace period ({@link OrphanSweep}), because on shared storage another
 * node may be between writing an object and recording it.
 */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {

    private final S3Client client;
    private final S3Settings settings;
    private final PartLayout layout;
    private final PartMemory memory = new PartMemory();
    private final OrphanSweep sweep;

    /** A store over {@code client}, which it closes when closed. */
    public S3ObjectStore(S3Client client, S3Settings settings, Clock clock) {
        this.client = client;
        this.settings = settings;
        this.layout = PartLayout.forEnvelopes(settings.partBytes());
        this.sweep = new OrphanSweep(client, settings.bucket(), settings.orphanGrace(), clock);
    }

    /** Builds the client for an endpoint and credentials, and the store over it. */
    public static S3ObjectStore connect(S3Endpoint endpoint, S3Credentials credentials, S3Settings settings,
                                        Clock clock) {
        return new S3ObjectStore(clientBuilder(endpoint, credentials).build(), settings, clock);
    }

    /**
     * The client configuration the store expects. Request checksums are sent only where S3 requires them:
     * the SDK's default trailing checksums are not understood by every S3-compatible service, requests are
     * signed (SigV4) anyway, and every envelope segment carries its own MAC, checked on every read.
     */
    public static S3ClientBuilder clientBuilder(S3Endpoint endpoint, S3Credentials credentials) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(endpoint.region()))
                .forcePathStyle(endpoint.pathStyle())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(credentials.provider());
        endpoint.endpoint().ifPresent(builder::endpointOverride);
        return builder;
    }

    /**
     * Checks that the bucket exists and the credentials may use it, so a misconfiguration stops start-up
     * with a clear reason instead of failing the first upload.
     */
    public void checkAccess() throws IOException {
        try {
            client.headBucket(r -> r.bucket(settings.bucket()));
        } catch (SdkException e) {
            throw new IOException("bucket " + settings.bucket() + " is not reachable with these credentials: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public PendingObject create(TenantId tenant, ObjectId id) {
        return new S3PendingObject(id, MultipartChannel.create(target(tenant, id), layout, memory,
                settings.readAhead()));
    }

    @Override
    public PendingObject reopen(TenantId tenant, ObjectId id) throws IOException {
        return new S3PendingObject(id, MultipartChannel.reopen(target(tenant, id), layout, memory,
                settings.readAhead()));
    }

    @Override
    public void commit(TenantId tenant, PendingObject object) throws IOException {
        if (!(object instanceof S3PendingObject pending)) {
            throw new IllegalArgumentException("not an object of this store: " + object.getClass().getName());
        }
        pending.commit();
    }

    @Override
    public SeekableByteChannel open(TenantId tenant, ObjectId id) throws IOException {
        return RangeReadChannel.open(target(tenant, id), settings.readAhead());
    }

    @Override
    public void delete(TenantId tenant, ObjectId id) throws IOException {
        ObjectRequests.delete(target(tenant, id));
    }

    @Override
    public int sweep(TenantId tenant, ReferencedObjects referenced) throws IOException {
        return sweep.sweep(tenantPrefix(tenant), ids -> referenced.any(tenant, ids), referenced.now());
    }

    /**
     * The store's marker, the object {@code <prefix>.vaultgate-store}, checked at start by
     * {@link io.vaultgate.core.storage.StoreIdentity}: a wrong bucket or prefix has none, or another's.
     */
    public StoreMarker marker() {
        return new S3StoreMarker(new S3Target(client, settings.bucket(), settings.keyPrefix() + StoreMarker.NAME));
    }

    /** Bytes that upload buffers hold right now. */
    public long bufferedBytes() {
        return memory.current();
    }

    /** The most bytes upload buffers ever held at once. */
    public long peakBufferedBytes() {
        return memory.peak();
    }

    /** The size of every part but the last, after rounding to whole segments. */
    public long partBytes() {
        return layout.partBytes();
    }

    /** The key an object is stored under, for operators and tests. */
    public String key(TenantId tenant, ObjectId id) {
        return tenantPrefix(tenant) + id.value();
    }

    public S3Settings settings() {
        return settings;
    }

    @Override
    public void close() {
        client.close();
    }

    private String tenantPrefix(TenantId tenant) {
        return settings.keyPrefix() + tenant.value() + "/";
    }

    private S3Target target(TenantId tenant, ObjectId id) {
        return new S3Target(client, settings.bucket(), key(tenant, id));
    }
}
