package io.vaultgate.https.multipart;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The parameters of a header such as {@code Content-Type} or {@code Content-Disposition}:
 * {@code form-data; name="file"; filename="a b.csv"}. Quoted strings may contain {@code ;} and an escaped
 * quote; any other backslash is kept, because browsers send Windows file names unescaped. Parameter names are returned in lower case; the leading value under {@code ""}.
 */
public final class HeaderParameters {

    private HeaderParameters() {
    }

    public static Map<String, String> parse(String header) {
        Map<String, String> parameters = new HashMap<>();
        if (header == null) {
            return parameters;
        }
        StringBuilder token = new StringBuilder();
        String name = "";
        boolean quoted = false;
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (quoted) {
                if (c == '\\' && i + 1 < header.length() && header.charAt(i + 1) == '"') {
                    token.append(header.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                } else {
                    token.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '=' && name.isEmpty() && !parameters.isEmpty()) {
                name = token.toString().trim().toLowerCase(Locale.ROOT);
                token.setLength(0);
            } else if (c == ';') {
                put(parameters, name, token);
                name = "";
            } else {
                token.append(c);
            }
        }
        put(parameters, name, token);
        return parameters;
    }

    private static void put(Map<String, String> parameters, String name, StringBuilder token) {
        String value = name.isEmpty() && parameters.isEmpty() ? token.toString().trim().toLowerCase(Locale.ROOT)
                : token.toString().trim();
        if (!name.isEmpty() || parameters.isEmpty()) {
            parameters.putIfAbsent(name, value);
        }
        token.setLength(0);
    }
}
