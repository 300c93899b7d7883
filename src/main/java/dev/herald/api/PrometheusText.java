package dev.herald.api;

import java.math.BigDecimal;

/**
 * Writes the Prometheus text exposition format 0.0.4: one {@code # HELP} and {@code # TYPE} per family, then its
 * samples, with label values and help text escaped as the format requires. Written here rather than taken from the
 * Prometheus client library: Herald exposes a dozen series read from its own counters, which this class does in
 * less code than the library's custom collectors, and without eight jars in the WAR.
 */
final class PrometheusText {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(4096);

    /** Starts a family: {@code type} is {@code counter}, {@code gauge} or {@code histogram}. */
    PrometheusText family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /** A sample without labels. */
    PrometheusText sample(String name, double value) {
        out.append(name).append(' ').append(number(value)).append('\n');
        return this;
    }

    /** A sample with labels: {@code labels} alternate names and values. */
    PrometheusText sample(String name, double value, String... labels) {
        out.append(name).append('{');
        for (int i = 0; i + 1 < labels.length; i += 2) {
            if (i > 0) {
                out.append(',');
            }
            out.append(labels[i]).append("=\"").append(escapeLabel(labels[i + 1])).append('"');
        }
        out.append("} ").append(number(value)).append('\n');
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    /** Integers as integers; others in plain decimal (shortest round trip); infinities as the format spells them. */
    static String number(double value) {
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
    }

    static String escapeLabel(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
