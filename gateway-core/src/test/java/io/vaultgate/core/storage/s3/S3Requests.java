package io.vaultgate.core.storage.s3;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/** Records every request a client sends: operation, Range header, and the payload sizes each way. */
final class S3Requests implements ExecutionInterceptor {

    /** One request as it went over the wire. */
    record Sent(String operation, String range, long requestBytes, long responseBytes) {
    }

    private final List<Sent> sent = new CopyOnWriteArrayList<>();

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        String range = context.httpRequest().firstMatchingHeader("Range").orElse("");
        // over plain HTTP the SDK signs bodies chunk by chunk (aws-chunked); the payload size is then this header
        long requestBytes = context.httpRequest().firstMatchingHeader("x-amz-decoded-content-length")
                .or(() -> context.httpRequest().firstMatchingHeader("Content-Length")).map(Long::parseLong)
                .orElse(0L);
        long responseBytes = context.httpResponse().firstMatchingHeader("Content-Length").map(Long::parseLong)
                .orElse(0L);
        sent.add(new Sent(operation, range, requestBytes, responseBytes));
    }

    List<Sent> of(String operation) {
        return sent.stream().filter(s -> s.operation().equals(operation)).toList();
    }

    long bytesFetched() {
        return of("GetObject").stream().mapToLong(Sent::responseBytes).sum();
    }

    void clear() {
        sent.clear();
    }
}
