package dev.herald.api;

import dev.herald.hub.Hub;
import java.util.List;

/**
 * {@code /health/live} and {@code /health/ready} in the MicroProfile Health JSON shape (protocol.md §9). Live while
 * the process serves; ready while it accepts connections: not while draining, nor while the broker is unreachable.
 */
final class Health {

    /** One named check. */
    record Check(String name, boolean up) {
    }

    private Health() {
    }

    static List<Check> live(Hub hub) {
        return List.of(new Check("hub", true));
    }

    static List<Check> ready(Hub hub) {
        return List.of(new Check("accepting-connections", !hub.draining()),
                new Check("admission", hub.admissionOpen()),
                new Check("broker", hub.brokerAvailable()));
    }

    static boolean up(List<Check> checks) {
        return checks.stream().allMatch(Check::up);
    }

    /** {@code {"status":"UP","checks":[{"name":"…","status":"UP"}]}}; names are fixed words, so nothing to escape. */
    static String json(List<Check> checks) {
        StringBuilder out = new StringBuilder("{\"status\":\"").append(status(up(checks))).append("\",\"checks\":[");
        for (int i = 0; i < checks.size(); i++) {
            out.append(i == 0 ? "" : ",").append("{\"name\":\"").append(checks.get(i).name())
                    .append("\",\"status\":\"").append(status(checks.get(i).up())).append("\"}");
        }
        return out.append("]}").toString();
    }

    private static String status(boolean up) {
        return up ? "UP" : "DOWN";
    }
}
