package dev.herald.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The text format's details that a scraper rejects when wrong: escaping, numbers, health's JSON. */
class PrometheusTextTest {

    @Test
    void labelValuesAndHelpAreEscapedAsTheFormatRequires() {
        String text = new PrometheusText()
                .family("x_total", "counter", "a \\ back\nslash")
                .sample("x_total", 3, "room", "a\"b\\c\nd")
                .toString();
        assertEquals("""
                # HELP x_total a \\\\ back\\nslash
                # TYPE x_total counter
                x_total{room="a\\"b\\\\c\\nd"} 3
                """, text);
    }

    @Test
    void numbersAreIntegersPlainDecimalsOrInfinity() {
        assertEquals("42", PrometheusText.number(42));
        assertEquals("0.0005", PrometheusText.number(0.0005));
        assertEquals("2.5", PrometheusText.number(2.5));
        assertEquals("+Inf", PrometheusText.number(Double.POSITIVE_INFINITY));
        assertEquals("NaN", PrometheusText.number(Double.NaN));
    }

    @Test
    void healthIsUpOnlyWhenEveryCheckIs() {
        List<Health.Check> draining = List.of(new Health.Check("accepting-connections", false),
                new Health.Check("broker", true));
        assertEquals(false, Health.up(draining));
        assertEquals("{\"status\":\"DOWN\",\"checks\":[{\"name\":\"accepting-connections\",\"status\":\"DOWN\"},"
                + "{\"name\":\"broker\",\"status\":\"UP\"}]}", Health.json(draining));
    }
}
