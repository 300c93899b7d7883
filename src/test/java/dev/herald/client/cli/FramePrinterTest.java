package dev.herald.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.client.Frame;
import org.junit.jupiter.api.Test;

/** How the CLI shows room frames: two members with one name are told apart (issue 13, item 5). */
class FramePrinterTest {

    private final FramePrinter printer = new FramePrinter("lobby", false);

    private String show(String json) {
        return printer.show(new Frame.Text(json)).line();
    }

    @Test
    void aNameTwoMembersShareCarriesEachOnesNumber() {
        assertEquals("[lobby] * you joined as ann; members: ann, bob", show("{\"type\":\"welcome\",\"room\":\"lobby\","
                + "\"you\":{\"id\":\"n1-1\",\"name\":\"ann\"},\"members\":[{\"id\":\"n1-1\",\"name\":\"ann\"},"
                + "{\"id\":\"n1-2\",\"name\":\"bob\"}],\"offset\":0,\"heartbeatSeconds\":25,\"epoch\":\"e\"}"));
        assertEquals("[lobby] * ann #7 joined (3 members)", show("{\"type\":\"joined\",\"room\":\"lobby\","
                + "\"member\":{\"id\":\"n1-7\",\"name\":\"ann\"},\"count\":3}"));
        assertEquals("[lobby] ann #1: hi", show("{\"type\":\"message\",\"room\":\"lobby\",\"offset\":1,"
                + "\"from\":{\"id\":\"n1-1\",\"name\":\"ann\"},\"text\":\"hi\",\"ts\":\"t\"}"));
        assertEquals("[lobby] ann #7: me too", show("{\"type\":\"message\",\"room\":\"lobby\",\"offset\":2,"
                + "\"from\":{\"id\":\"n1-7\",\"name\":\"ann\"},\"text\":\"me too\",\"ts\":\"t\"}"));
        assertEquals("[lobby] bob: plain", show("{\"type\":\"message\",\"room\":\"lobby\",\"offset\":3,"
                + "\"from\":{\"id\":\"n1-2\",\"name\":\"bob\"},\"text\":\"plain\",\"ts\":\"t\"}"));
        assertEquals("[lobby] * ann #7 left (2 members)", show("{\"type\":\"left\",\"room\":\"lobby\","
                + "\"member\":{\"id\":\"n1-7\",\"name\":\"ann\"},\"reason\":\"closed\",\"count\":2}"));
        assertEquals("[lobby] ann: alone again", show("{\"type\":\"message\",\"room\":\"lobby\",\"offset\":4,"
                + "\"from\":{\"id\":\"n1-1\",\"name\":\"ann\"},\"text\":\"alone again\",\"ts\":\"t\"}"));
    }

    @Test
    void namesakesWithTheSameNumberOnTwoNodesShowTheirWholeIds() {
        show("{\"type\":\"presence\",\"room\":\"lobby\",\"members\":[{\"id\":\"a1-5\",\"name\":\"ann\"},"
                + "{\"id\":\"b2-5\",\"name\":\"ann\"}]}");
        assertEquals("[lobby] ann #b2-5: hi", show("{\"type\":\"message\",\"room\":\"lobby\",\"offset\":1,"
                + "\"from\":{\"id\":\"b2-5\",\"name\":\"ann\"},\"text\":\"hi\",\"ts\":\"t\"}"));
    }

    @Test
    void anOperatorsDirectTextIsMarkedAsForThisClientOnly() {
        assertEquals("[lobby] * to you only, from api: maintenance", show("{\"type\":\"direct\","
                + "\"from\":{\"id\":\"api\",\"name\":\"api\"},\"text\":\"maintenance\"}"));
    }
}
