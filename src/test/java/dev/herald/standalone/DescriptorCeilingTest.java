package dev.herald.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.config.HeraldSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The arithmetic of the open-files ceiling, and the classes loaded before the first connection. */
class DescriptorCeilingTest {

    @Test
    void aLowLimitCapsMaxConnectionsAndKeepsAReserve() {
        DescriptorCeiling ceiling = new DescriptorCeiling(1024, 600);
        assertEquals(DescriptorCeiling.MIN_RESERVE, ceiling.reserve(), "a tenth of 424 is under the minimum");
        assertEquals(1024 - 600 - 64, ceiling.connections());
        assertEquals(ceiling.connections() + 32, ceiling.tcpConnections(), "half the reserve for handshakes");
        HeraldSettings fitted = ceiling.fit(HeraldSettings.defaults());
        assertEquals(360, fitted.maxConnections());
        assertEquals(HeraldSettings.defaults().withMaxConnections(360), fitted, "nothing else changes");
        assertEquals(100, new DescriptorCeiling(1024 * 1024, 600).fit(HeraldSettings.defaults().withMaxConnections(100))
                .maxConnections(), "a lower setting stays");
    }

    @Test
    void aHighLimitLeavesTheSettingAlone() {
        DescriptorCeiling ceiling = new DescriptorCeiling(1_048_576, 200);
        assertEquals((1_048_576 - 200) / 10, ceiling.reserve(), "a tenth of what is left");
        HeraldSettings settings = HeraldSettings.defaults();
        assertSame(settings, ceiling.fit(settings));
    }

    @Test
    void aLimitBelowWhatIsOpenStillServesOne() {
        assertEquals(1, new DescriptorCeiling(100, 90).connections());
    }

    @Test
    void everyServerClassIsListedForLoadingIncludingNestedAndAnonymousOnes() throws Exception {
        List<String> names = ServerClasses.namesBeside(ServerClasses.class);
        assertTrue(names.contains("dev.herald.protocol.Closure"), "the close reasons");
        assertTrue(names.contains("dev.herald.protocol.LeaveReason"), "what Closure's initialiser needs");
        assertTrue(names.stream().anyMatch(name -> name.matches("dev\\.herald\\.delivery\\.Frame\\$\\d+")),
                "an anonymous class");
        assertTrue(names.stream().noneMatch(name -> name.endsWith("package-info")), "no package-info");
        assertEquals(names.size(), ServerClasses.load());
    }
}
