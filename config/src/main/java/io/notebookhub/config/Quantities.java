package io.notebookhub.config;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes resource quantities ({@code 500m}, {@code 2Gi}, {@code 1e3}) parsed by Kubernetes' grammar, so a
 * value accepted here is accepted by the API server and compares the way the scheduler compares it.
 */
public final class Quantities {
    // The exponent form is tried before the bare "E" (exa) suffix so "1E3" is 1000, not an error.
    private static final Pattern QUANTITY = Pattern.compile(
            "([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))([eE][+-]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?");
    private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
            Map.entry("", BigDecimal.ONE),
            Map.entry("m", new BigDecimal("0.001")),
            Map.entry("k", BigDecimal.TEN.pow(3)),
            Map.entry("M", BigDecimal.TEN.pow(6)),
            Map.entry("G", BigDecimal.TEN.pow(9)),
            Map.entry("T", BigDecimal.TEN.pow(12)),
            Map.entry("P", BigDecimal.TEN.pow(15)),
            Map.entry("E", BigDecimal.TEN.pow(18)),
            Map.entry("Ki", BigDecimal.valueOf(1024)),
            Map.entry("Mi", BigDecimal.valueOf(1024).pow(2)),
            Map.entry("Gi", BigDecimal.valueOf(1024).pow(3)),
            Map.entry("Ti", BigDecimal.valueOf(1024).pow(4)),
            Map.entry("Pi", BigDecimal.valueOf(1024).pow(5)),
            Map.entry("Ei", BigDecimal.valueOf(1024).pow(6)));

    private Quantities() {
    }

    /** The value in base units (cores, bytes, devices), or empty when the text is not a quantity. */
    public static Optional<BigDecimal> parse(String text) {
        Matcher m = QUANTITY.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        BigDecimal number = new BigDecimal(m.group(1));
        String suffix = m.group(2) == null ? "" : m.group(2);
        if (suffix.startsWith("e") || (suffix.startsWith("E") && suffix.length() > 1)) {
            return Optional.of(number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1))));
        }
        return Optional.of(number.multiply(SUFFIXES.get(suffix)));
    }

    /** Why the text is not a non-negative quantity, or empty when it is one. */
    public static Optional<String> problem(String text) {
        Optional<BigDecimal> value = parse(text);
        if (value.isEmpty()) {
            return Optional.of("\"" + text + "\" is not a Kubernetes quantity (examples: 500m, 2, 1.5, 512Mi, 2Gi, 1G)");
        }
        if (value.get().signum() < 0) {
            return Optional.of("\"" + text + "\" is negative; resources must be 0 or more");
        }
        return Optional.empty();
    }

    /** Compares two quantities already known to parse. */
    public static int compare(String a, String b) {
        return parse(a).orElseThrow().compareTo(parse(b).orElseThrow());
    }

    public static boolean isWhole(String text) {
        BigDecimal v = parse(text).orElseThrow();
        return v.stripTrailingZeros().scale() <= 0;
    }
}
