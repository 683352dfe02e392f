package io.vaultgate.core.storage.s3;

import io.vaultgate.core.storage.StoreId;
import io.vaultgate.core.storage.StoreMarker;
import io.vaultgate.core.storage.StoreMarkerConflict;
import io.vaultgate.core.storage.StoreMarkerTimeout;
import io.vaultgate.core.storage.StoreNotRecognized;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The marker of an S3 store: the object {@code <prefix>.vaultgate-store}, beside the tenants' prefixes (no sweep
 * lists it). A PUT is durable once S3 answers it. It is written with {@code If-None-Match: *}, so a marker there is
 * never replaced (a server that does not implement conditional writes gets a plain PUT), and read up to one byte more
 * than a marker can be: a larger object is refused without being read whole.
 *
 * <p>S3 answers a conditional write {@code 412 PreconditionFailed} when the marker is there (written by another
 * node, or another installation sharing the bucket: the caller reads it), and {@code 409 ConditionalRequestConflict}
 * when another write of it is in progress: the marker is not there yet, and that write may still fail, so the write
 * is tried again (as S3 asks) until the other one has ended, for up to {@link #CONFLICT_WAIT}; then it fails with
 * {@link StoreMarkerConflict} naming the conflict. S3's {@code 409 OperationAborted} ("a conflicting conditional
 * operation is currently in progress against this resource; try again") is tried again the same way. Any other 409
 * (a server may name others) is neither, and fails at once with a {@link StoreMarkerConflict} naming its error code:
 * tried again for 10 s it failed as if another installation were writing.
 *
 * <p>Each request is bounded as a whole, retries included, by {@link #CALL_TIMEOUT}; one not answered by then fails
 * with {@link StoreMarkerTimeout}. {@code vaultgate store adopt} writes and reads the marker back while it holds the
 * catalog's lock on the store's row (on SQLite, the catalog's write lock): an endpoint that accepts connections and
 * never answers held that lock for the HTTP client's socket timeouts, once per retry (review28b L3).
 */
final class S3StoreMarker implements StoreMarker {

    /** Read at most this much: one byte more than {@link StoreId#MARKER_MAX_BYTES} tells an object that is not one. */
    static final int READ_LIMIT = StoreId.MARKER_MAX_BYTES + 1;
    /** How long a write answered 409 (another write in progress) is tried again: far longer than a marker's PUT. */
    static final Duration CONFLICT_WAIT = Duration.ofSeconds(10);
    /** The pause between those tries. */
    static final Duration CONFLICT_PAUSE = Duration.ofMillis(200);
    /** S3's 409 while another conditional write of the key is in progress: tried again. */
    static final String WRITE_IN_PROGRESS = "ConditionalRequestConflict";
    /** S3's 409 while another operation on the key is in progress, which S3 asks to try again. */
    static final String OPERATION_IN_PROGRESS = "OperationAborted";
    /** The 409s that are tried again; any other fails at once. */
    private static final Set<String> TRIED_AGAIN = Set.of(WRITE_IN_PROGRESS, OPERATION_IN_PROGRESS);
    /**
     * How long one request for the marker may take, retries included: a marker is a few dozen bytes, so far longer
     * than a reachable store takes, and short enough that a lock held across it is not held long.
     */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);

    private final S3Target target;
    private final Duration conflictWait;
    private final Duration callTimeout;

    S3StoreMarker(S3Target target) {
        this(target, CONFLICT_WAIT, CALL_TIMEOUT);
    }

    /** A marker whose writes answered 409 are tried again for {@code conflictWait} (tests wait less). */
    S3StoreMarker(S3Target target, Duration conflictWait) {
        this(target, conflictWait, CALL_TIMEOUT);
    }

    /** As above, each request given {@code callTimeout} (tests wait less than {@link #CALL_TIMEOUT}). */
    S3StoreMarker(S3Target target, Duration conflictWait, Duration callTimeout) {
        this.target = target;
        this.conflictWait = conflictWait;
        this.callTimeout = callTimeout;
    }

    @Override
    public String location() {
        return "s3://" + target.bucket() + "/" + target.key();
    }

    @Override
    public Optional<StoreId> read() throws IOException {
        byte[] content;
        try (ResponseInputStream<GetObjectResponse> in = target.client().getObject(r -> r.bucket(target.bucket())
                .key(target.key()).range("bytes=0-" + (READ_LIMIT - 1)).overrideConfiguration(this::bounded))) {
            content = in.readNBytes(READ_LIMIT);
            if (content.length >= READ_LIMIT) {
                in.abort(); // a server that ignored the range may send more: not read, the connection dropped
            }
        } catch (ApiCallTimeoutException e) {
            throw new StoreMarkerTimeout("GET", location(), callTimeout, e);
        } catch (SdkException e) {
            IOException failure = S3Failures.of("GET", target, e);
            if (failure instanceof NoSuchFileException) {
                return Optional.empty();
            }
            throw failure;
        }
        if (content.length >= READ_LIMIT) {
            throw StoreNotRecognized.oversizedMarker(location(), StoreId.MARKER_MAX_BYTES);
        }
        Optional<StoreId> id = StoreId.fromMarker(content);
        if (id.isEmpty()) {
            throw StoreNotRecognized.unreadableMarker(location());
        }
        return id;
    }

    @Override
    public boolean write(StoreId id) throws IOException {
        long deadline = System.nanoTime() + conflictWait.toNanos();
        while (true) {
            try {
                target.client().putObject(r -> r.bucket(target.bucket()).key(target.key()).ifNoneMatch("*")
                        .contentType("text/plain").overrideConfiguration(this::bounded),
                        RequestBody.fromBytes(id.markerBytes()));
                return true;
            } catch (S3Exception e) {
                if (e.statusCode() == 412) { // a marker is there: the caller reads it
                    return false;
                }
                String code = errorCode(e);
                if (e.statusCode() == 409 && !TRIED_AGAIN.contains(code)) { // not worth a retry
                    throw new StoreMarkerConflict(StoreMarkerConflict.Reason.REFUSED, code, "S3 refused the "
                            + "conditional write of the store marker at " + location() + " with 409 " + code
                            + " (not " + WRITE_IN_PROGRESS + " nor " + OPERATION_IN_PROGRESS + ", another write or "
                            + "operation on it in progress): " + S3Failures.serviceMessage(e), e);
                }
                if (e.statusCode() == 409) { // another write of the marker in progress: not there yet, try again
                    if (System.nanoTime() - deadline >= 0) {
                        throw new StoreMarkerConflict(StoreMarkerConflict.Reason.WRITE_IN_PROGRESS, code,
                                "S3 answered the conditional write of the store marker at " + location() + " with 409 "
                                + code + " for " + conflictWait.toSeconds() + " s: " + (code.equals(WRITE_IN_PROGRESS)
                                ? "another node or installation is writing it, and its write did not end"
                                : "another operation on it is in progress, and did not end"), e);
                    }
                    pause();
                    continue;
                }
                if (e.statusCode() != 501) {
                    throw S3Failures.of("PUT", target, e);
                }
            } catch (ApiCallTimeoutException e) {
                throw new StoreMarkerTimeout("PUT", location(), callTimeout, e);
            } catch (SdkException e) {
                throw S3Failures.of("PUT", target, e);
            }
            break; // 501: the server does not implement conditional writes
        }
        if (read().isPresent()) { // no conditional writes here: the catalog's order keeps nodes apart (format.md)
            return false;
        }
        try {
            target.client().putObject(r -> r.bucket(target.bucket()).key(target.key())
                    .contentType("text/plain").overrideConfiguration(this::bounded),
                    RequestBody.fromBytes(id.markerBytes()));
            return true;
        } catch (ApiCallTimeoutException e) {
            throw new StoreMarkerTimeout("PUT", location(), callTimeout, e);
        } catch (SdkException e) {
            throw S3Failures.of("PUT", target, e);
        }
    }

    /** Bounds a marker request as a whole, retries included. */
    private void bounded(AwsRequestOverrideConfiguration.Builder request) {
        request.apiCallTimeout(callTimeout);
    }

    /** The error code S3 named for a failure, or {@code (no error code)}. */
    private static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "(no error code)"
                : e.awsErrorDetails().errorCode();
    }

    private static void pause() throws InterruptedIOException {
        try {
            Thread.sleep(CONFLICT_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while another write of the store marker was in progress");
        }
    }
}
