package io.vaultgate.server;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.vaultgate.core.LogText;

/**
 * {@code %escapedMsg} in the text log's pattern (logback.xml): the formatted message with every control character
 * written as an escape ({@link LogText#escapeControls}), so one event stays one line. Messages carry text clients
 * chose (a login name, a path), and a CR or LF in it would otherwise start a line of the client's making: a fake
 * "upload committed", or a fake {@code audit checkpoint}. The JSON format escapes them itself.
 */
public final class EscapedMessageConverter extends MessageConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return LogText.escapeControls(super.convert(event));
    }
}
