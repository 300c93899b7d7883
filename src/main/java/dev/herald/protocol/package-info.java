/**
 * The wire protocol: message records, the JSON-B codec, error codes and close codes. The reference is
 * {@code docs/protocol.md}.
 */
package dev.herald.protocol;
