/**
 * The hub: the application's one registry of connections and rooms, broadcast with encode-once, bounded
 * per-connection outbound queues with one write in flight, rate and connection limits, and the heartbeat.
 * Plain Java: no container classes, so it runs the same in WildFly, Payara and standalone Tyrus.
 */
package dev.herald.hub;
