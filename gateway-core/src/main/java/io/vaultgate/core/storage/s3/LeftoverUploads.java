package io.vaultgate.core.storage.s3;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.Part;

/**
 * Settles the multipart uploads a crashed writer left open on a key, before the object is reopened. S3
 * cannot read the parts of an open upload, but it can complete it: parts are aligned to segments
 * ({@link PartLayout}), so the run of parts numbered 1, 2, 3 … — each full, the last possibly short — is a
 * header and whole sealed segments, a valid partial envelope. If that run is longer than the object stored
 * under the key (the last suspend), the upload is completed with exactly those parts and becomes the
 * object; every other open upload on the key is aborted. The envelope writer then re-authenticates every
 * segment when it reopens the object, so nothing unverified survives.
 */
final class LeftoverUploads {

    private LeftoverUploads() {
    }

    /**
     * @param stored the size of the object stored under the key, or -1 if there is none
     * @return the size of the object under the key afterwards, or -1 if there is still none
     */
    static long settle(S3Target target, PartLayout layout, long stored) throws IOException {
        List<MultipartUpload> open = ObjectRequests.openUploads(target);
        String bestId = null;
        List<CompletedPart> bestParts = List.of();
        long best = stored;
        for (MultipartUpload upload : open) {
            List<CompletedPart> run = new ArrayList<>();
            long length = contiguousRun(layout, listParts(target, upload.uploadId()), run);
            if (!run.isEmpty() && length > best) {
                best = length;
                bestId = upload.uploadId();
                bestParts = run;
            }
        }
        for (MultipartUpload upload : open) {
            if (!upload.uploadId().equals(bestId)) {
                Multipart.abort(target, upload.uploadId());
            }
        }
        if (bestId != null) {
            Multipart.adopt(target, bestId, bestParts).complete();
        }
        return best;
    }

    /** Collects into {@code run} the parts 1, 2, 3 … that fit the layout; returns their total length. */
    static long contiguousRun(PartLayout layout, List<Part> parts, List<CompletedPart> run) {
        List<Part> sorted = new ArrayList<>(parts);
        sorted.sort(Comparator.comparing(Part::partNumber));
        long total = 0;
        for (Part part : sorted) {
            int index = run.size();
            long expected = layout.length(index);
            if (part.partNumber() != index + 1 || part.size() == null || part.size() > expected) {
                break;
            }
            run.add(CompletedPart.builder().partNumber(part.partNumber()).eTag(part.eTag()).build());
            total += part.size();
            if (part.size() < expected) {
                break; // a short part is a last part
            }
        }
        return total;
    }

    static List<Part> listParts(S3Target target, String uploadId) throws IOException {
        List<Part> parts = new ArrayList<>();
        try {
            target.client().listPartsPaginator(r -> r.bucket(target.bucket()).key(target.key()).uploadId(uploadId))
                    .parts().forEach(parts::add);
        } catch (SdkException e) {
            if (S3Failures.isNotFound(e)) {
                return List.of(); // finished or aborted meanwhile
            }
            throw S3Failures.of("list parts", target, e);
        }
        return parts;
    }
}
