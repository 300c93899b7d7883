package dev.herald.broker;

/** Where a broker delivers the messages of the rooms this node subscribed to: the hub. */
@FunctionalInterface
public interface BrokerSink {

    /** One message, in offset order within its room; it may arrive on any thread the broker uses. */
    void deliver(Published message);
}
