package io.vaultgate.https.admin;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vaultgate.core.auth.SshPublicKey;
import io.vaultgate.https.http.Json;

/** One admin answer: a status and a JSON object; {@code secret} if it carries a credential (never cached). */
record AdminResult(HttpResponseStatus status, byte[] json, boolean secret) {

    static AdminResult ok(byte[] json) {
        return new AdminResult(HttpResponseStatus.OK, json, false);
    }

    static AdminResult created(byte[] json) {
        return new AdminResult(HttpResponseStatus.CREATED, json, false);
    }

    static AdminResult noContent() {
        return new AdminResult(HttpResponseStatus.NO_CONTENT, new byte[0], false);
    }

    /** 201 with the fingerprint of an SSH key just added to an account or operator. */
    static AdminResult fingerprint(SshPublicKey key) {
        String fingerprint = key.fingerprint();
        return created(Json.object(json -> json.writeStringField("fingerprint", fingerprint)));
    }

    /** A new API token, shown in this response only; the gateway keeps its hash. */
    static AdminResult token(String token) {
        return new AdminResult(HttpResponseStatus.CREATED, Json.object(json -> json.writeStringField("token", token)),
                true);
    }
}
