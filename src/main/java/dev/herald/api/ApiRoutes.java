package dev.herald.api;

import dev.herald.broker.BrokerUnavailableException;
import dev.herald.broker.History;
import dev.herald.broker.RoomState;
import dev.herald.hub.ClientInfo;
import dev.herald.hub.RoomInfo;
import dev.herald.hub.ServerControl;
import dev.herald.protocol.FrameCodec;
import dev.herald.protocol.Member;
import dev.herald.protocol.Outbound;
import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The routes of the HTTP server API (protocol.md §8), each a call of {@link ServerControl}: the HTTP plumbing (key,
 * body, problem documents) is {@link ApiServlet}'s.
 */
final class ApiRoutes {

    /** Looked up once: every {@code Json.createX} call searches the class path for it again (0.2 to 0.7 ms here). */
    private static final JsonProvider JSON = JsonProvider.provider();

    /** What a route answers: a status and a JSON body, or none. */
    record Answer(int status, String json) {
    }

    /** A request as the routes see it. */
    interface Request {

        String method();

        /** The path below {@code /api}, split at {@code /}, without empty segments. */
        List<String> path();

        String parameter(String name);

        String header(String name);

        /** The body as a JSON object. */
        JsonObject body() throws ApiProblem;
    }

    /** An {@code Idempotency-Key}: 1 to 255 visible ASCII characters. */
    private static final Pattern REQUEST_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");
    static final int DEFAULT_HISTORY_LIMIT = 100;
    static final int MAX_HISTORY_LIMIT = 1000;
    /** Longer than the broker's own command timeout, so that the broker answers first. */
    private static final long WAIT_SECONDS = 5;

    private final ServerControl control;
    private final Jsonb jsonb;
    private final FrameCodec codec = FrameCodec.shared();

    ApiRoutes(ServerControl control, Jsonb jsonb) {
        this.control = control;
        this.jsonb = jsonb;
    }

    Answer serve(Request request) throws ApiProblem {
        List<String> path = request.path();
        String method = request.method();
        String first = path.isEmpty() ? "" : path.get(0);
        int size = path.size();
        if (first.equals("rooms") && size == 1) {
            return only(method, "GET", () -> rooms());
        } else if (first.equals("rooms") && size == 3 && path.get(2).equals("messages")) {
            return only(method, "POST", () -> publish(path.get(1), request));
        } else if (first.equals("rooms") && size == 3 && path.get(2).equals("presence")) {
            return only(method, "GET", () -> presence(path.get(1)));
        } else if (first.equals("rooms") && size == 3 && path.get(2).equals("history")) {
            return only(method, "GET", () -> history(path.get(1), request));
        } else if (first.equals("classic") && size == 2 && path.get(1).equals("messages")) {
            return only(method, "POST", () -> sendToAll(request));
        } else if (first.equals("clients") && size == 1) {
            return only(method, "GET", () -> clients(request.parameter("room")));
        } else if (first.equals("clients") && size == 2) {
            return only(method, "DELETE", () -> disconnect(path.get(1)));
        } else if (first.equals("clients") && size == 3 && path.get(2).equals("messages")) {
            return only(method, "POST", () -> send(path.get(1), request));
        } else if (first.equals("admission") && size == 1) {
            if (method.equals("PUT")) {
                return admission(request);
            }
            if (!method.equals("GET")) {
                throw ApiProblem.methodNotAllowed("GET, PUT");
            }
            return new Answer(200, admissionJson());
        }
        throw new ApiProblem(404, "no such route: " + method + " /api/" + String.join("/", path));
    }

    private interface Route {
        Answer serve() throws ApiProblem;
    }

    private static Answer only(String method, String allowed, Route route) throws ApiProblem {
        if (!method.equals(allowed)) {
            throw ApiProblem.methodNotAllowed(allowed);
        }
        return route.serve();
    }

    // ---- rooms ------------------------------------------------------------------------------------

    private Answer rooms() throws ApiProblem {
        List<RoomInfo> rooms = await(control.rooms());
        return new Answer(200, jsonb.toJson(rooms));
    }

    private Answer publish(String room, Request request) throws ApiProblem {
        checkRoom(room);
        JsonObject body = request.body();
        String text = text(body);
        String key = optionalString(body, "key");
        if (key != null && (key.isEmpty() || key.length() > 128)) {
            throw new ApiProblem(400, "key must be 1 to 128 characters");
        }
        String requestKey = request.header("Idempotency-Key");
        if (requestKey != null && !REQUEST_KEY.matcher(requestKey).matches()) {
            throw new ApiProblem(400, "Idempotency-Key must be 1 to 255 visible ASCII characters");
        }
        CompletionStage<RoomState> published = requestKey == null ? control.publish(room, text, key)
                : control.publishOnce(requestKey, room, text, key);
        RoomState at = await(published);
        return new Answer(201, JSON.createObjectBuilder().add("offset", at.offset()).add("epoch", at.epoch()).build()
                .toString());
    }

    private Answer presence(String room) throws ApiProblem {
        checkRoom(room);
        Optional<List<Member>> members = await(control.presence(room));
        if (members.isEmpty()) {
            throw new ApiProblem(404, "room " + room + " has no members");
        }
        return new Answer(200, jsonb.toJson(new Outbound.Presence(room, members.get())));
    }

    private Answer history(String room, Request request) throws ApiProblem {
        checkRoom(room);
        long since = number(request.parameter("since"), "since", 0, Long.MAX_VALUE, 0);
        int limit = (int) number(request.parameter("limit"), "limit", 1, MAX_HISTORY_LIMIT, DEFAULT_HISTORY_LIMIT);
        History history = await(control.history(room, since, limit));
        if (history.latest() == 0 && await(control.presence(room)).isEmpty()) {
            throw new ApiProblem(404, "room " + room + " has no members and no history");
        }
        String messages = history.messages().stream().map(codec::encode).collect(Collectors.joining(","));
        return new Answer(200, "{\"room\":" + jsonb.toJson(room) + ",\"epoch\":" + jsonb.toJson(history.epoch())
                + ",\"messages\":[" + messages + "]}");
    }

    // ---- clients ----------------------------------------------------------------------------------

    private Answer sendToAll(Request request) throws ApiProblem {
        String text = text(request.body());
        return new Answer(202, "{\"clients\":" + await(control.sendToAll(text)) + "}");
    }

    private Answer clients(String room) throws ApiProblem {
        if (room != null) {
            checkRoom(room);
        }
        List<ClientInfo> clients = await(control.clients(room));
        return new Answer(200, jsonb.toJson(clients));
    }

    private Answer send(String id, Request request) throws ApiProblem {
        String text = text(request.body());
        if (!await(control.send(id, text))) {
            throw new ApiProblem(404, "no client " + id);
        }
        return new Answer(202, null);
    }

    private Answer disconnect(String id) throws ApiProblem {
        if (!await(control.disconnect(id))) {
            throw new ApiProblem(404, "no client " + id);
        }
        return new Answer(204, null);
    }

    // ---- admission --------------------------------------------------------------------------------

    private Answer admission(Request request) throws ApiProblem {
        JsonValue open = request.body().get("open");
        if (open == null || open != JsonValue.TRUE && open != JsonValue.FALSE) {
            throw new ApiProblem(400, "open must be true or false");
        }
        if (open == JsonValue.TRUE) {
            control.allowNewConnections();
        } else {
            control.denyNewConnections();
        }
        return new Answer(200, admissionJson());
    }

    private String admissionJson() {
        return "{\"open\":" + control.admissionOpen() + "}";
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static void checkRoom(String room) throws ApiProblem {
        try {
            ServerControl.checkRoom(room);
        } catch (IllegalArgumentException e) {
            throw new ApiProblem(400, e.getMessage());
        }
    }

    /** The body's {@code text}, checked by the server API's own rule: 413 when too long, 400 otherwise. */
    private String text(JsonObject body) throws ApiProblem {
        String text = optionalString(body, "text");
        try {
            control.checkText(text);
        } catch (ServerControl.TextTooLargeException e) {
            throw new ApiProblem(413, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ApiProblem(400, e.getMessage());
        }
        return text;
    }

    private static String optionalString(JsonObject body, String field) throws ApiProblem {
        JsonValue value = body.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(value instanceof JsonString string)) {
            throw new ApiProblem(400, field + " must be a string");
        }
        return string.getString();
    }

    private static long number(String raw, String name, long min, long max, long absent) throws ApiProblem {
        if (raw == null) {
            return absent;
        }
        String rule = name + " must be a whole number from " + min + " to " + max;
        long value;
        try {
            value = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new ApiProblem(400, rule);
        }
        if (value < min || value > max) {
            throw new ApiProblem(400, rule);
        }
        return value;
    }

    /** Waits for the broker, which answers within its own timeout; its failures become 503 or 409. */
    private static <T> T await(CompletionStage<T> stage) throws ApiProblem {
        try {
            return stage.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof ServerControl.RequestInProgressException) {
                throw new ApiProblem(409, "a request with this Idempotency-Key is still in progress; retry");
            }
            if (cause instanceof BrokerUnavailableException) {
                throw new ApiProblem(503, "the broker is unavailable; retry");
            }
            throw new IllegalStateException("the request failed", cause);
        } catch (TimeoutException e) {
            throw new ApiProblem(503, "the broker did not answer in time; retry");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiProblem(503, "interrupted while waiting for the broker");
        }
    }
}
