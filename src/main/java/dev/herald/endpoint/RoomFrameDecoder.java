package dev.herald.endpoint;

import dev.herald.protocol.FrameCodec;
import dev.herald.protocol.Inbound;
import dev.herald.protocol.Utf8;
import jakarta.websocket.Decoder;
import jakarta.websocket.EndpointConfig;

/**
 * The room endpoint's decoder: every text frame decodes, bad ones to {@link Inbound.Rejected}, those over the
 * maximum message size to {@link Inbound.TooBig}.
 *
 * <p>Why the size is checked here: Tyrus (standalone, Payara) applies {@code setMaxTextMessageBufferSize}
 * only to fragmented messages, so a whole frame over the limit would otherwise be served.
 */
public final class RoomFrameDecoder implements Decoder.Text<Inbound> {

    private int maxMessageBytes;

    @Override
    public void init(EndpointConfig config) {
        maxMessageBytes = RunningHub.get().settings().maxMessageBytes();
    }

    @Override
    public Inbound decode(String text) {
        if (Utf8.exceeds(text, maxMessageBytes)) {
            return new Inbound.TooBig();
        }
        return FrameCodec.shared().decode(text);
    }

    @Override
    public boolean willDecode(String text) {
        return true;
    }
}
