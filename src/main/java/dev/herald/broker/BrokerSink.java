package dev.herald.broker;

import java.nio.ByteBuffer;

/**
 * Where a broker delivers what this node subscribed to: the hub. Calls may arrive on any thread the broker uses;
 * within a room, messages and presence changes arrive in the order the broker made them.
 */
public interface BrokerSink {

    /** One message, in offset order within its room. */
    void deliver(Published message);

    /** A member joined or left {@code room} on another node. */
    void presence(String room, PresenceChange change);

    /** Binary data for every member of {@code room} here, relayed unchanged. */
    void binary(String room, ByteBuffer data);

    /** A text for every classic client on this node: an announcement or a {@code Client(n) said:} line. */
    void classic(String text);

    /** Another node's operator asks this node {@code question} ({@link Broker#askOthers}); the answer goes back. */
    String answer(String question);
}
