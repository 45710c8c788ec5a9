package io.jnsq.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations written as Go writes them ({@code 60s}, {@code 1m30s}, {@code 250ms}, {@code 1h}, {@code 0}), the form
 * every NSQ flag takes. Also usable as a picocli converter.
 */
public final class GoDuration implements ITypeConverter<Duration> {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    public static Duration parse(String text) {
        String s = text.trim();
        boolean negative = s.startsWith("-");
        if (negative || s.startsWith("+")) {
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(s);
        int pos = 0;
        double nanos = 0;
        while (pos < s.length()) {
            if (!m.find(pos) || m.start() != pos) {
                throw new IllegalArgumentException("invalid duration \"" + text + "\"");
            }
            nanos += Double.parseDouble(m.group(1)) * unitNanos(m.group(2));
            pos = m.end();
        }
        if (pos == 0) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\"");
        }
        long n = Math.round(nanos);
        return Duration.ofNanos(negative ? -n : n);
    }

    /** Formats like Go's {@code time.Duration.String()} for the common cases: {@code 1m0s}, {@code 250ms}. */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        if (nanos < 1_000_000_000L) {
            if (nanos % 1_000_000 == 0) {
                return (nanos / 1_000_000) + "ms";
            }
            if (nanos % 1_000 == 0) {
                return (nanos / 1_000) + "µs";
            }
            return nanos + "ns";
        }
        long totalSeconds = nanos / 1_000_000_000L;
        long frac = nanos % 1_000_000_000L;
        long h = totalSeconds / 3600;
        long m = (totalSeconds % 3600) / 60;
        long s = totalSeconds % 60;
        String secs = frac == 0 ? Long.toString(s)
                : (s + "." + String.format("%09d", frac)).replaceAll("0+$", "");
        StringBuilder out = new StringBuilder();
        if (h > 0) {
            out.append(h).append('h');
        }
        if (h > 0 || m > 0) {
            out.append(m).append('m');
        }
        return out.append(secs).append('s').toString();
    }

    private static double unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1;
            case "us", "µs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            case "h" -> 3600e9;
            default -> throw new IllegalArgumentException("unknown unit " + unit);
        };
    }
}
