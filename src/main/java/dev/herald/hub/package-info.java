/**
 * The hub: the application's facade over admission, the classic chat, the rooms (membership, presence, resume,
 * publishing through the broker), the delivery engine, and the lifecycle (heartbeat, drain). It does no I/O of
 * its own, and imports no container class.
 */
package dev.herald.hub;
