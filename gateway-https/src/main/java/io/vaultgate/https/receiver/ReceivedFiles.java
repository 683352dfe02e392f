package io.vaultgate.https.receiver;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.vaultgate.https.receiver.ReceiverHandler.Answer;
import io.vaultgate.https.receiver.ReceiverHandler.Exchange;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.seal.SitePrivateKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiver's rules for one forwarded file, whatever the connection: deduplicate by idempotency key
 * (the same key with the same digest is answered 200 again, without rewriting; with another digest 422, final),
 * one upload per key at a time (a concurrent one gets 409 and is retried by the gateway), the digest
 * verified before the file appears, the answer carrying the digest computed here.
 */
final class ReceivedFiles {

    private static final Logger LOG = LoggerFactory.getLogger(ReceivedFiles.class);

    private final String site;
    private final DropDirectory drop;
    private final long maxFileBytes;
    private final Optional<SitePrivateKey> siteKey;
    private final Set<String> inProgress = ConcurrentHashMap.newKeySet();

    ReceivedFiles(String site, DropDirectory drop, long maxFileBytes) {
        this(site, drop, maxFileBytes, Optional.empty());
    }

    /**
     * @param site the id of the site this receiver serves: a file sent for another is refused, and sealed data keys
     *     are opened as bound to it
     * @param siteKey the site's X25519 key, to open sealed forwards; without it they are refused, with it plain ones
     *     are (a site that keeps a key expects no plaintext on the wire, and takes none from a gateway misconfigured
     *     to send it)
     */
    ReceivedFiles(String site, DropDirectory drop, long maxFileBytes, Optional<SitePrivateKey> siteKey) {
        this.site = site;
        this.drop = drop;
        this.maxFileBytes = maxFileBytes;
        this.siteKey = siteKey;
    }

    Exchange begin(HttpRequest request, String peer) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        IncomingFile file;
        try {
            file = IncomingFile.of(request, drop.root(), site);
            if (HttpUtil.isContentLengthSet(request) && HttpUtil.getContentLength(request) > maxFileBytes) {
                throw new ReceiverProblem(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                        "the file is larger than this receiver's limit of " + maxFileBytes + " bytes");
            }
            if (file.sealed().isPresent() && siteKey.isEmpty()) {
                throw new ReceiverProblem(HttpResponseStatus.BAD_REQUEST, "file " + file.key() + " is sealed, but "
                        + "this receiver has no site key to open it (vaultgate receive --sealed-key)");
            }
            if (file.sealed().isEmpty() && siteKey.isPresent()) {
                throw new ReceiverProblem(HttpResponseStatus.BAD_REQUEST, "file " + file.key() + " is not sealed, "
                        + "but this receiver takes sealed forwards only (it has a site key): give the gateway the "
                        + "site's recipient key (vaultgate site seal SITE --recipient-key FILE)");
            }
            // The key is reserved before its marker is looked at: an upload of the key that finishes meanwhile
            // writes its marker before it gives the key up, so this one sees either the upload or the marker.
            if (!inProgress.add(file.key())) {
                throw new ReceiverProblem(HttpResponseStatus.CONFLICT, "file " + file.key()
                        + " is being received on another connection; try again later");
            }
            boolean reserved = true;
            try {
                Optional<DropDirectory.Received> earlier = drop.received(file.key());
                if (earlier.isPresent()) {
                    return duplicate(file, earlier.get(), peer, keepAlive);
                }
                Write write = new Write(file, new DropWrite(drop.newTemporary(), maxFileBytes), peer, keepAlive);
                reserved = false; // the write gives the key up when it is closed
                return write;
            } finally {
                if (reserved) {
                    inProgress.remove(file.key());
                }
            }
        } catch (ReceiverProblem problem) {
            LOG.warn("receiver: refused {} {} from {}: {}", request.method(), request.uri(), peer, problem.getMessage());
            if (problem.status().equals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE)) {
                return new Discard(Answer.refused(problem), false, true); // not worth reading
            }
            return new Discard(Answer.refused(problem), keepAlive);
        } catch (IOException | RuntimeException e) {
            LOG.error("receiver: cannot take {} from {}", request.uri(), peer, e);
            return new Discard(new Answer(HttpResponseStatus.INTERNAL_SERVER_ERROR, "receiver error\n", null), false);
        }
    }

    private Exchange duplicate(IncomingFile file, DropDirectory.Received earlier, String peer, boolean keepAlive)
            throws ReceiverProblem {
        if (!earlier.sha256().equalsIgnoreCase(file.sha256())) {
            // final (422), not 409: no repetition can change a recorded key's digest, and 409 means "try later" here
            throw new ReceiverProblem(HttpResponseStatus.UNPROCESSABLE_ENTITY, "file " + file.key()
                    + " was already received with another digest");
        }
        LOG.info("receiver: file {} from {} was already received ({}); answered again without rewriting",
                file.key(), peer, earlier.place());
        return new Discard(new Answer(HttpResponseStatus.OK, json(file.key(), earlier.sha256(), earlier.size(), true),
                earlier.sha256()), keepAlive);
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // swept at start-up
            }
        }
    }

    private static String json(String key, String sha256, long size, boolean duplicate) {
        return "{\"fileId\":\"" + key + "\",\"sha256\":\"" + sha256 + "\",\"size\":" + size + ",\"duplicate\":"
                + duplicate + "}\n";
    }

    /**
     * Reads and drops a body, then gives a prepared answer; or, {@code beforeTheBody}, gives it at once and the
     * connection ends (a body too large to be worth reading).
     */
    private record Discard(Answer answer, boolean keepAlive, boolean beforeTheBody) implements Exchange {
        Discard(Answer answer, boolean keepAlive) {
            this(answer, keepAlive, false);
        }

        @Override
        public boolean answersBeforeTheBody() {
            return beforeTheBody;
        }

        @Override
        public void content(ByteBuf chunk) {
        }

        @Override
        public Answer finish() {
            return answer;
        }

        @Override
        public void close() {
        }
    }

    /** Streams a body to a temporary file, then verifies and publishes it. */
    private final class Write implements Exchange {
        private final IncomingFile file;
        private final DropWrite write;
        private final String peer;
        private final boolean keepAlive;

        Write(IncomingFile file, DropWrite write, String peer, boolean keepAlive) {
            this.file = file;
            this.write = write;
            this.peer = peer;
            this.keepAlive = keepAlive;
        }

        @Override
        public void content(ByteBuf chunk) throws ReceiverProblem {
            try {
                write.write(chunk);
            } catch (IOException e) {
                LOG.error("receiver: writing file {} failed", file.key(), e);
                throw new ReceiverProblem(HttpResponseStatus.INSUFFICIENT_STORAGE, "the receiver cannot store the file");
            }
        }

        @Override
        public Answer finish() {
            Path opened = null;
            try {
                String sha256 = write.finish();
                Path written = write.file();
                long size = write.size();
                if (file.sealed().isPresent()) {
                    IncomingFile.Sealed sealed = file.sealed().get();
                    opened = drop.newTemporary();
                    SealedEnvelope.Opened plain = SealedEnvelope.open(written, opened, siteKey.orElseThrow(),
                            sealed.key(), sealed.context(file));
                    written = opened;
                    sha256 = plain.sha256();
                    size = plain.size();
                }
                if (!sha256.equalsIgnoreCase(file.sha256())) {
                    LOG.warn("receiver: file {} from {} does not match its Repr-Digest; discarded", file.key(), peer);
                    return new Answer(HttpResponseStatus.BAD_REQUEST, "the body's SHA-256 " + sha256
                            + " differs from Repr-Digest " + file.sha256() + "\n", null);
                }
                drop.publish(written, file.target(), file.key(), sha256, size);
                LOG.info("receiver: received {}file {} of tenant {} from {}: {} ({} bytes)",
                        file.sealed().isPresent() ? "sealed " : "", file.key(), file.tenant(), peer,
                        drop.root().relativize(file.target()), size);
                return new Answer(HttpResponseStatus.CREATED, json(file.key(), sha256, size, false), sha256);
            } catch (CryptoException e) {
                LOG.warn("receiver: sealed file {} from {} does not open with this site's key: {}; discarded",
                        file.key(), peer, e.getMessage());
                return new Answer(HttpResponseStatus.BAD_REQUEST, "the sealed envelope does not open with this "
                        + "site's key (sealed for another key, file or site, or altered)\n", null);
            } catch (DropDirectory.Unplaceable e) {
                LOG.error("receiver: file {} from {} cannot be placed at {}; refused for good (422) until the way is "
                        + "cleared", file.key(), peer, e.getMessage());
                return new Answer(HttpResponseStatus.UNPROCESSABLE_ENTITY, "the file cannot be placed at "
                        + e.getMessage() + "; this site refuses it until that is cleared\n", null);
            } catch (IOException e) {
                LOG.error("receiver: storing file {} failed", file.key(), e);
                return new Answer(HttpResponseStatus.INSUFFICIENT_STORAGE, "the receiver cannot store the file\n", null);
            } finally {
                close();
                deleteQuietly(opened);
            }
        }

        @Override
        public boolean blocking() {
            return true;
        }

        @Override
        public boolean keepAlive() {
            return keepAlive;
        }

        @Override
        public void close() {
            write.close();
            inProgress.remove(file.key());
        }
    }
}
