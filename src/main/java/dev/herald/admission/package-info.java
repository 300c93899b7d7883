/**
 * Who may connect, and how much: origins, tokens, names, connection caps, the drain switch and per-connection
 * rate limits.
 */
package dev.herald.admission;
