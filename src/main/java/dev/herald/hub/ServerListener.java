package dev.herald.hub;

/**
 * What the program hosting Herald hears of its clients (the seed's {@code set_fn_new_client},
 * {@code set_fn_message_received} and {@code set_fn_client_left}). Register one with
 * {@link ServerControl#addListener}. The calls come one at a time, in order, on Herald's own listener thread, never
 * on the engine's: a slow listener delays only the listeners (see {@link Listeners} for what happens when it falls
 * far behind). Implement the ones you need.
 */
public interface ServerListener {

    /** A client was admitted: on the classic endpoint, or into a room (after its welcome). */
    default void clientJoined(ClientInfo client) {
    }

    /**
     * A client sent a text within its rate: a classic line as it was typed, or a room's {@code publish} text. It is
     * reported when it arrives, before the broker has ordered it.
     */
    default void messageReceived(ClientInfo client, String text) {
    }

    /** A client's connection has gone, with the close code Herald closed it with, or the one its peer sent. */
    default void clientLeft(ClientInfo client, int closeCode) {
    }
}
