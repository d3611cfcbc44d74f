package io.notebookhub.proxy.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Canonical request paths, so that the proxy routes on exactly the path the target will see.
 *
 * <p>Rules: dot segments ({@code .}, {@code ..}, also percent-encoded) are refused, because browsers
 * never send them and resolving them would let a path that reads as one user's reach another's;
 * empty segments ({@code //}) collapse; an encoded slash ({@code %2F}) is data inside a segment, never a
 * boundary; control characters, backslashes and malformed escapes are refused. A path with none of
 * {@code % \ //  /.} comes back as the same String (the common case costs one scan, no allocation).
 */
public final class RequestPath {

    private RequestPath() {}

    /** The canonical form of a raw (still encoded) path, or null when the path must be refused. */
    public static String canonical(String raw) {
        int n = raw.length();
        if (n == 0 || raw.charAt(0) != '/') {
            return null;
        }
        boolean simple = true;
        for (int i = 0; i < n; i++) {
            char c = raw.charAt(i);
            if (c < 0x21 || c == 0x7f || c == '\\') {
                return null;
            }
            if (c == '%' || (c == '/' && i + 1 < n && (raw.charAt(i + 1) == '/' || raw.charAt(i + 1) == '.'))) {
                simple = false;
            }
        }
        return simple ? raw : slowCanonical(raw);
    }

    private static String slowCanonical(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        int n = raw.length();
        int i = 1;
        while (i <= n) {
            int j = raw.indexOf('/', i);
            if (j < 0) {
                j = n;
            }
            if (j > i) {
                String seg = raw.substring(i, j);
                if (!wellFormedEscapes(seg) || isDotSegment(seg)) {
                    return null;
                }
                out.append('/').append(seg);
            }
            i = j + 1;
        }
        if (out.length() == 0 || raw.charAt(n - 1) == '/') {
            out.append('/');
        }
        return out.toString();
    }

    private static boolean wellFormedEscapes(String seg) {
        for (int i = 0; i < seg.length(); i++) {
            if (seg.charAt(i) == '%') {
                if (i + 2 >= seg.length() || hex(seg.charAt(i + 1)) < 0 || hex(seg.charAt(i + 2)) < 0) {
                    return false;
                }
                if (hex(seg.charAt(i + 1)) < 2) {
                    return false; // %00..%1F: control characters have no business in a path
                }
                i += 2;
            }
        }
        return true;
    }

    /** {@code .} or {@code ..}, each dot possibly written {@code %2e}. */
    static boolean isDotSegment(String seg) {
        int dots = 0;
        int i = 0;
        while (i < seg.length()) {
            char c = seg.charAt(i);
            if (c == '.') {
                i++;
            } else if (c == '%' && i + 2 < seg.length() && seg.charAt(i + 1) == '2'
                    && (seg.charAt(i + 2) == 'e' || seg.charAt(i + 2) == 'E')) {
                i += 3;
            } else {
                return false;
            }
            dots++;
        }
        return dots == 1 || dots == 2;
    }

    /** True when a raw segment needs {@link #decodeSegment} before it can be compared with a route key. */
    public static boolean needsDecoding(String raw, int from, int to) {
        for (int i = from; i < to; i++) {
            if (raw.charAt(i) == '%') {
                return true;
            }
        }
        return false;
    }

    /** Percent-decodes one segment as UTF-8, leaving {@code %2F} encoded so it can never become a boundary. */
    public static String decodeSegment(String raw, int from, int to) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < to) { // canonical() has checked every escape
                int hi = hex(raw.charAt(i + 1));
                int lo = hex(raw.charAt(i + 2));
                int b = (hi << 4) | lo;
                if (b == '/') {
                    bytes.write('%');
                    bytes.write(raw.charAt(i + 1));
                    bytes.write(raw.charAt(i + 2));
                } else {
                    bytes.write(b);
                }
                i += 2;
            } else {
                byte[] enc = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(enc, 0, enc.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
