package io.jnsq.admin;

import java.util.List;
import java.util.Locale;

/**
 * A time series drawn as an inline SVG line chart with its title, latest value and largest value, for the topic and
 * channel pages. The points come from nsqadmin's own samples or from Prometheus.
 */
final class Chart {

    private static final int WIDTH = 360;
    private static final int HEIGHT = 80;

    private Chart() {
    }

    /** One point: seconds since the epoch, value. */
    record Point(double time, double value) {
    }

    /** The chart as SVG markup inside a figure; a note instead while fewer than two points exist. */
    static String svg(String title, String unit, List<Point> points) {
        StringBuilder out = new StringBuilder("<figure class=\"chart\"><figcaption>").append(escape(title));
        if (points.size() < 2) {
            return out.append("</figcaption><p class=\"muted\">Not enough samples yet.</p></figure>").toString();
        }
        double t0 = points.get(0).time();
        double t1 = points.get(points.size() - 1).time();
        double max = points.stream().mapToDouble(Point::value).max().orElse(0);
        double last = points.get(points.size() - 1).value();
        out.append(": <strong>").append(number(last)).append(unit).append("</strong>")
                .append(" <span class=\"muted\">(max ").append(number(max)).append(unit).append(", last ")
                .append(span(t1 - t0)).append(")</span></figcaption>");
        StringBuilder polyline = new StringBuilder();
        for (Point p : points) {
            double x = t1 == t0 ? 0 : (p.time() - t0) / (t1 - t0) * WIDTH;
            double y = max <= 0 ? HEIGHT - 1 : HEIGHT - 1 - p.value() / max * (HEIGHT - 2);
            polyline.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        out.append("<svg class=\"graph\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT).append("\" role=\"img\" aria-label=\"")
                .append(escape(title)).append("\"><polyline fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" points=\"")
                .append(polyline.toString().trim()).append("\"/></svg></figure>");
        return out.toString();
    }

    /** A figure for people: thousands separated, one decimal below 100. */
    static String number(double v) {
        if (Math.abs(v - Math.rint(v)) < 1e-9 || Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%,d", Math.round(v));
        }
        return String.format(Locale.ROOT, "%,.1f", v);
    }

    private static String span(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? s / 3600 + "h" + (s % 3600 >= 60 ? s % 3600 / 60 + "m" : "") : s >= 60 ? s / 60 + "m" : s + "s";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
