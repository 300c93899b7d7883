package dev.herald.protocol;

import jakarta.websocket.Decoder;

/** The room endpoint's decoder: every text frame decodes, bad ones to {@link Inbound.Rejected}. */
public final class InboundDecoder implements Decoder.Text<Inbound> {

    @Override
    public Inbound decode(String text) {
        return FrameCodec.shared().decode(text);
    }

    @Override
    public boolean willDecode(String text) {
        return true;
    }
}
