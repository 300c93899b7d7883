package dev.herald.it;

import static dev.herald.it.Frames.expect;
import static dev.herald.it.Frames.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.client.HeraldClient;
import dev.herald.standalone.StandaloneServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /metrics} as Prometheus's own linter reads it: {@code promtool check metrics} (Debian's {@code prometheus}
 * package; profile {@code promtool}, which .ci/run enables after extracting it) accepts the output, with every
 * family populated by a little traffic, without a warning.
 */
@Timeout(60)
class MetricsPromtoolIT {

    private static final Path PROMTOOL = Path.of(System.getProperty("herald.promtool", "promtool"));

    @Test
    void promtoolAcceptsTheMetricsWithoutAWarning() throws Exception {
        try (StandaloneServer server = StandaloneFixture.start(Map.of())) {
            URI base = StandaloneFixture.base(server);
            try (HeraldClient ann = HeraldClient.connect(base.resolve("rooms/" + ProtocolSuite.newRoom() + "?name=ann"));
                 HeraldClient classic = HeraldClient.connect(base)) {
                expect(ann, "welcome");
                ann.sendText(publish("for the metrics"));
                expect(ann, "message");
                classic.nextText(Frames.WAIT);
                String metrics = OperationsSuite.get(URI.create(base.toString().replaceFirst("^ws", "http"))
                        .resolve("metrics")).body();
                Process promtool = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics")
                        .redirectErrorStream(true).start();
                promtool.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
                promtool.getOutputStream().close();
                String said = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!promtool.waitFor(30, TimeUnit.SECONDS)) {
                    promtool.destroyForcibly();
                    throw new IOException("promtool did not finish");
                }
                assertEquals(0, promtool.exitValue(), "promtool: " + said + "\n" + metrics);
                assertEquals("", said.trim(), "promtool warned: " + said);
            }
        }
    }
}
