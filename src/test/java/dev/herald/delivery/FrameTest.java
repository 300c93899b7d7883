package dev.herald.delivery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.protocol.Closure;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Checks the wire form of outbound frames against RFC 6455 §5.2: FIN, opcode, the three length encodings. */
class FrameTest {

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    @Test
    void aShortTextIsFinTextWithASevenBitLength() {
        Frame frame = Frame.text("h\u00e9");
        assertArrayEquals(new byte[] {(byte) 0x81, 3, 'h', (byte) 0xC3, (byte) 0xA9}, bytes(frame.wire()));
        assertEquals(3, frame.bytes());
    }

    @Test
    void lengthsSwitchTo16BitsAfter125AndTo64BitsAfter65535() {
        assertHeader(125, new byte[] {(byte) 0x82, 125});
        assertHeader(126, new byte[] {(byte) 0x82, 126, 0, 126});
        assertHeader(65_535, new byte[] {(byte) 0x82, 126, (byte) 0xFF, (byte) 0xFF});
        assertHeader(65_536, new byte[] {(byte) 0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0});
    }

    private static void assertHeader(int length, byte[] header) {
        byte[] payload = new byte[length];
        payload[length - 1] = 42;
        byte[] wire = bytes(Frame.binary(ByteBuffer.wrap(payload)).wire());
        assertEquals(header.length + length, wire.length, "length " + length);
        byte[] actualHeader = new byte[header.length];
        System.arraycopy(wire, 0, actualHeader, 0, header.length);
        assertArrayEquals(header, actualHeader, "header for length " + length);
        assertEquals(42, wire[wire.length - 1], "the payload follows the header unchanged");
    }

    @Test
    void theWireFormIsSharedReadOnlyAndEveryWriteGetsItsOwnPosition() {
        Frame frame = Frame.text("shared");
        assertTrue(frame.wire().isReadOnly());
        ByteBuffer first = frame.wire().duplicate();
        first.position(first.limit());
        assertEquals(8, frame.wire().remaining(), "one recipient's write does not move another's");
        assertEquals("shared", new String(bytes(frame.wire()), 2, 6, StandardCharsets.UTF_8));
    }

    @Test
    void aCloseHasNoWireFormAndOnlyTextAndBinaryAreData() {
        assertFalse(Frame.close(Closure.SLOW_CONSUMER).hasWireForm());
        assertTrue(Frame.message("k", "key").hasWireForm());
        assertTrue(Frame.message("k", "key").isData());
        assertTrue(Frame.binary(ByteBuffer.allocate(1)).isData());
        assertFalse(Frame.ping(ByteBuffer.allocate(0)).isData(), "a batch of standard sends never carries a ping");
        assertFalse(Frame.close(Closure.SLOW_CONSUMER).isData());
    }

    @Test
    void aPingsWireFormIsAFinalPingFrameWithItsPayload() {
        byte[] payload = {1, 2, 3, 4, 5, 6, 7, 8};
        ByteBuffer round = ByteBuffer.wrap(payload.clone());
        Frame ping = Frame.ping(round);
        byte[] wire = bytes(ping.wire());
        assertEquals(10, wire.length);
        assertEquals((byte) 0x89, wire[0], "FIN and opcode 9");
        assertEquals(8, wire[1], "unmasked, 8 bytes");
        assertArrayEquals(payload, java.util.Arrays.copyOfRange(wire, 2, 10));
        assertEquals(8, round.remaining(), "the round's payload is left as it was");
        assertTrue(ping.wire().isReadOnly());
    }

    /** Open Liberty cannot send from a read-only heap buffer (Frame.ping's Javadoc); the runtime must never get one. */
    @Test
    void binaryDataAndPingsReachTheRuntimeInBuffersThatAreNotReadOnly() {
        byte[] inbound = {0, 1, 2, (byte) 0xff, 42};
        ByteBuffer runtimes = ByteBuffer.wrap(inbound.clone());
        Frame binary = Frame.binary(runtimes.asReadOnlyBuffer());
        assertFalse(binary.binary().duplicate().isReadOnly());
        runtimes.put(0, (byte) 9);
        assertArrayEquals(inbound, bytes(binary.binary()), "Herald's own copy: the runtime may reuse its buffer");
        assertFalse(Frame.ping(ByteBuffer.wrap(new byte[8])).binary().duplicate().isReadOnly());
    }
}
