package io.vaultgate.https.multipart;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeaderParametersTest {

    @Test
    void contentDisposition_withQuotedValues() {
        assertThat(HeaderParameters.parse("form-data; name=\"file\"; filename=\"a; b \\\"c\\\".csv\""))
                .containsEntry("", "form-data").containsEntry("name", "file").containsEntry("filename", "a; b \"c\".csv");
    }

    @Test
    void contentType_withBoundary() {
        assertThat(HeaderParameters.parse("Multipart/Form-Data; boundary=----WebKitFormBoundary7MA4YWxk=="))
                .containsEntry("", "multipart/form-data").containsEntry("boundary", "----WebKitFormBoundary7MA4YWxk==");
    }

    @Test
    void missingHeader_isEmpty() {
        assertThat(HeaderParameters.parse(null)).isEmpty();
    }
}
