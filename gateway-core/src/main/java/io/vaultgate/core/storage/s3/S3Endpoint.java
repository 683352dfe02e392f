package io.vaultgate.core.storage.s3;

import java.net.URI;
import java.util.Optional;

/**
 * How to reach the S3 service.
 *
 * @param endpoint  the service URL for S3-compatible services (MinIO, Ceph, S3Proxy …); empty for AWS,
 *                  whose endpoint follows from the region
 * @param region    the signing region, e.g. {@code eu-west-1} ({@code us-east-1} for most other services)
 * @param pathStyle address buckets as {@code https://host/bucket/key} instead of {@code https://bucket.host/key};
 *                  most S3-compatible services need it
 */
public record S3Endpoint(Optional<URI> endpoint, String region, boolean pathStyle) {

    public S3Endpoint {
        if (endpoint == null) {
            endpoint = Optional.empty();
        }
        endpoint.ifPresent(uri -> {
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("the S3 endpoint must be an http:// or https:// URL, got " + uri);
            }
            if (uri.getUserInfo() != null) {
                throw new IllegalArgumentException("the S3 endpoint must not carry credentials; give them separately");
            }
        });
        if (region == null || !region.matches("[a-z0-9-]{2,32}")) {
            throw new IllegalArgumentException("not an S3 region: \"" + region + "\" (e.g. us-east-1)");
        }
    }
}
