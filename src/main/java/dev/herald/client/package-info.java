/**
 * The Java client library: {@link dev.herald.client.HeraldClient} connects (ws or wss), sends, receives the next
 * frame with a timeout and closes; {@link dev.herald.client.ReconnectingClient} does the same across connections,
 * reconnecting by itself and resuming rooms.
 */
package dev.herald.client;
