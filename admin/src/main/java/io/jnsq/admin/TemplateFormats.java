package io.jnsq.admin;

import io.quarkus.qute.TemplateExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** Formatting the pages need: URL path segments, counts, durations from nanoseconds, latencies, times. */
@TemplateExtension
final class TemplateFormats {

    private TemplateFormats() {
    }

    /** A topic or channel name as a URL path segment ({@code #ephemeral} escaped). */
    static String urlenc(Object s) {
        return URLEncoder.encode(String.valueOf(s), StandardCharsets.UTF_8).replace("+", "%20").replace("%3A", ":");
    }

    /** A count with thousands separators ("1,234,567"); anything else as it is. */
    static String num(Object n) {
        if (n instanceof Number number) {
            return String.format(Locale.ROOT, "%,d", number.longValue());
        }
        return n == null ? "" : String.valueOf(n);
    }

    /** Nanoseconds since the epoch as an ISO time to the millisecond (UTC). */
    static String nanoTime(Object nanos) {
        long ns = nanos instanceof Number n ? n.longValue() : 0;
        return java.time.Instant.ofEpochMilli(ns / 1_000_000).toString();
    }

    /** Text cut to {@code max} characters, with an ellipsis when cut. */
    static String cut(Object text, int max) {
        String s = text == null ? "" : String.valueOf(text);
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    /** Nanoseconds as "1h2m3s". */
    static String duration(Object nanos) {
        long s = nanos instanceof Number n ? n.longValue() / 1_000_000_000L : 0;
        return (s >= 3600 ? s / 3600 + "h" : "") + (s >= 60 ? s % 3600 / 60 + "m" : "") + s % 60 + "s";
    }

    /** A latency in nanoseconds as "12.3ms". */
    static String latency(Object nanos) {
        double ns = nanos instanceof Number n ? n.doubleValue() : 0;
        if (ns >= 1e9) {
            return String.format(Locale.ROOT, "%.1fs", ns / 1e9);
        }
        return ns >= 1e6 ? String.format(Locale.ROOT, "%.1fms", ns / 1e6) : String.format(Locale.ROOT, "%.0fus", ns / 1e3);
    }

    static String capitalize(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    static List<?> orEmpty(Object list) {
        return list instanceof List<?> l ? l : List.of();
    }
}
