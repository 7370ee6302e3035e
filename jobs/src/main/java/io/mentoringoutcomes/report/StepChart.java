package io.mentoringoutcomes.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An inline SVG step chart of survival-style curves (fractions 0..1 against whole months), each
 * with a shaded confidence band. No script, no external resources: it prints as drawn.
 */
final class StepChart {

    /** One point: the value holds from {@code month} until the next point. Nulls are gaps. */
    record Point(int month, Double value, Double low, Double high) {}

    record Series(String label, String color, List<Point> points) {}

    private static final int W = 640;
    private static final int H = 330;
    private static final int LEFT = 58;
    private static final int RIGHT = 16;
    private static final int TOP = 34;
    private static final int BOTTOM = 48;

    private StepChart() {}

    static String render(String title, String xLabel, String yLabel, List<Series> series) {
        int maxMonth = 1;
        double minValue = 1.0;
        for (Series s : series) {
            for (Point p : s.points()) {
                maxMonth = Math.max(maxMonth, p.month() + 1);
                if (p.value() != null) {
                    minValue = Math.min(minValue, p.low() != null ? p.low() : p.value());
                }
            }
        }
        // Y from a round 10% step below the lowest band value up to 100%.
        double yMin = Math.max(0.0, Math.floor(minValue * 10.0 - 1e-9) / 10.0);
        if (yMin > 0.9) {
            yMin = 0.9;
        }
        final double y0 = yMin;
        final int xMax = maxMonth;
        double plotW = W - LEFT - RIGHT;
        double plotH = H - TOP - BOTTOM;
        java.util.function.DoubleUnaryOperator x = m -> LEFT + m / xMax * plotW;
        java.util.function.DoubleUnaryOperator y = v -> TOP + (1.0 - (v - y0) / (1.0 - y0)) * plotH;

        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"chart\" viewBox=\"0 0 ")
                .append(W)
                .append(' ')
                .append(H)
                .append("\" role=\"img\" aria-label=\"")
                .append(Html.escape(title))
                .append("\">");
        svg.append("<title>").append(Html.escape(title)).append("</title>");
        svg.append("<rect x=\"0\" y=\"0\" width=\"")
                .append(W)
                .append("\" height=\"")
                .append(H)
                .append("\" fill=\"#ffffff\"/>");

        // Horizontal grid and y ticks every 10% (5% when the range is small).
        double step = (1.0 - y0) <= 0.3 ? 0.05 : 0.1;
        for (double v = y0; v <= 1.0 + 1e-9; v += step) {
            double yy = y.applyAsDouble(v);
            svg.append(line(LEFT, yy, W - RIGHT, yy, "#e3e6ea", 1));
            svg.append(text(LEFT - 8, yy + 4, "end", String.format(Locale.ROOT, "%.0f%%", v * 100), "tick"));
        }
        // X ticks: every 3 months (6 when long).
        int xStep = xMax > 36 ? 6 : 3;
        for (int m = 0; m <= xMax; m += xStep) {
            double xx = x.applyAsDouble(m);
            svg.append(line(xx, TOP + plotH, xx, TOP + plotH + 5, "#59606b", 1));
            svg.append(text(xx, TOP + plotH + 18, "middle", String.valueOf(m), "tick"));
        }
        svg.append(line(LEFT, TOP + plotH, W - RIGHT, TOP + plotH, "#59606b", 1));
        svg.append(line(LEFT, TOP, LEFT, TOP + plotH, "#59606b", 1));
        svg.append(text(LEFT + plotW / 2, H - 8, "middle", xLabel, "axis"));
        svg.append("<text class=\"axis\" text-anchor=\"middle\" transform=\"translate(14 ")
                .append(fmt(TOP + plotH / 2))
                .append(") rotate(-90)\">")
                .append(Html.escape(yLabel))
                .append("</text>");

        for (Series s : series) {
            for (List<Point> run : runs(s.points())) {
                String band = bandPath(run, x, y);
                if (band != null) {
                    svg.append("<path d=\"")
                            .append(band)
                            .append("\" fill=\"")
                            .append(s.color())
                            .append("\" fill-opacity=\"0.16\" stroke=\"none\"/>");
                }
            }
        }
        for (Series s : series) {
            for (List<Point> run : runs(s.points())) {
                svg.append("<path d=\"")
                        .append(stepPath(run, x, y))
                        .append("\" fill=\"none\" stroke=\"")
                        .append(s.color())
                        .append("\" stroke-width=\"2.2\"/>");
            }
        }
        // Legend, top right.
        double lx = W - RIGHT - 170;
        double ly = 14;
        for (Series s : series) {
            svg.append("<rect x=\"")
                    .append(fmt(lx))
                    .append("\" y=\"")
                    .append(fmt(ly - 8))
                    .append("\" width=\"18\" height=\"10\" fill=\"")
                    .append(s.color())
                    .append("\" fill-opacity=\"0.25\" stroke=\"")
                    .append(s.color())
                    .append("\"/>");
            svg.append(text(lx + 24, ly + 1, "start", s.label(), "legend"));
            ly += 15;
        }
        svg.append(text(LEFT, 16, "start", "shaded: 95% confidence band", "note"));
        svg.append("</svg>");
        return svg.toString();
    }

    /** Consecutive points with a value, split at gaps (suppressed or not estimable months). */
    private static List<List<Point>> runs(List<Point> points) {
        List<List<Point>> out = new ArrayList<>();
        List<Point> current = new ArrayList<>();
        List<Point> sorted = new ArrayList<>(points);
        sorted.sort(java.util.Comparator.comparingInt(Point::month));
        for (Point p : sorted) {
            if (p.value() == null) {
                if (!current.isEmpty()) {
                    out.add(current);
                }
                current = new ArrayList<>();
            } else {
                current.add(p);
            }
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    private static String stepPath(
            List<Point> run, java.util.function.DoubleUnaryOperator x, java.util.function.DoubleUnaryOperator y) {
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < run.size(); i++) {
            Point p = run.get(i);
            double xs = x.applyAsDouble(p.month());
            double xe = x.applyAsDouble(p.month() + 1);
            double yy = y.applyAsDouble(p.value());
            d.append(i == 0 ? "M" : "L").append(fmt(xs)).append(' ').append(fmt(yy));
            d.append(" L").append(fmt(xe)).append(' ').append(fmt(yy)).append(' ');
        }
        return d.toString().trim();
    }

    private static String bandPath(
            List<Point> run, java.util.function.DoubleUnaryOperator x, java.util.function.DoubleUnaryOperator y) {
        List<Point> withBand =
                run.stream().filter(p -> p.low() != null && p.high() != null).toList();
        if (withBand.size() != run.size() || run.isEmpty()) {
            return null;
        }
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < run.size(); i++) {
            Point p = run.get(i);
            d.append(i == 0 ? "M" : "L")
                    .append(fmt(x.applyAsDouble(p.month())))
                    .append(' ')
                    .append(fmt(y.applyAsDouble(p.high())));
            d.append(" L")
                    .append(fmt(x.applyAsDouble(p.month() + 1)))
                    .append(' ')
                    .append(fmt(y.applyAsDouble(p.high())))
                    .append(' ');
        }
        for (int i = run.size() - 1; i >= 0; i--) {
            Point p = run.get(i);
            d.append("L")
                    .append(fmt(x.applyAsDouble(p.month() + 1)))
                    .append(' ')
                    .append(fmt(y.applyAsDouble(p.low())));
            d.append(" L")
                    .append(fmt(x.applyAsDouble(p.month())))
                    .append(' ')
                    .append(fmt(y.applyAsDouble(p.low())))
                    .append(' ');
        }
        return d.append('Z').toString();
    }

    private static String line(double x1, double y1, double x2, double y2, String color, double width) {
        return "<line x1=\"" + fmt(x1) + "\" y1=\"" + fmt(y1) + "\" x2=\"" + fmt(x2) + "\" y2=\"" + fmt(y2)
                + "\" stroke=\"" + color + "\" stroke-width=\"" + fmt(width) + "\"/>";
    }

    private static String text(double x, double y, String anchor, String s, String cls) {
        return "<text class=\"" + cls + "\" x=\"" + fmt(x) + "\" y=\"" + fmt(y) + "\" text-anchor=\"" + anchor + "\">"
                + Html.escape(s) + "</text>";
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
