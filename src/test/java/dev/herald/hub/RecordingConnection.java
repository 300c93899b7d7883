package dev.herald.hub;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.herald.delivery.Connection;
import dev.herald.protocol.Closure;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A connection that records every send and close; sends complete inline unless {@link #stalled}. */
class RecordingConnection implements Connection {

    private final String address;
    private final boolean stalled;
    private final List<String> texts = new ArrayList<>();
    private final List<String> binaries = new ArrayList<>();
    private final List<Closure> closures = new ArrayList<>();
    int pings;
    /** While set, every write fails, as on a broken connection. */
    volatile boolean failing;

    RecordingConnection(String address) {
        this(address, false);
    }

    RecordingConnection(String address, boolean stalled) {
        this.address = address;
        this.stalled = stalled;
    }

    @Override
    public String remoteAddress() {
        return address;
    }

    @Override
    public void sendText(String text, SendCallback done) {
        synchronized (this) {
            texts.add(text);
        }
        complete(done);
    }

    @Override
    public void sendBinary(ByteBuffer data, SendCallback done) {
        synchronized (this) {
            binaries.add(StandardCharsets.UTF_8.decode(data).toString());
        }
        complete(done);
    }

    @Override
    public void sendPing(ByteBuffer payload, SendCallback done) {
        synchronized (this) {
            pings++;
        }
        complete(done);
    }

    @Override
    public synchronized void close(Closure closure) {
        closures.add(closure);
    }

    private void complete(SendCallback done) {
        if (failing) {
            done.completed(new IOException("broken pipe"));
        } else if (!stalled) {
            done.completed(null); // a write that finishes at once, as when the socket buffer has room
        }
    }

    synchronized List<String> texts() {
        return new ArrayList<>(texts);
    }

    synchronized List<String> binaries() {
        return new ArrayList<>(binaries);
    }

    synchronized List<Closure> closures() {
        return new ArrayList<>(closures);
    }

    /** The JSON frames received, parsed. */
    List<JsonObject> json() {
        return texts().stream().map(RecordingConnection::parse).toList();
    }

    /** The JSON frames of {@code type}. */
    List<JsonObject> json(String type) {
        return json().stream().filter(frame -> type.equals(frame.getString("type"))).toList();
    }

    JsonObject last() {
        List<JsonObject> frames = json();
        assertFalse(frames.isEmpty(), "no frame received");
        return frames.get(frames.size() - 1);
    }

    synchronized void forget() {
        texts.clear();
        binaries.clear();
    }

    static JsonObject parse(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}
