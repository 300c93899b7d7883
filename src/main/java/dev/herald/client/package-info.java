/** The Java client library: connect (ws or wss), send, receive the next frame with a timeout, close. */
package dev.herald.client;
