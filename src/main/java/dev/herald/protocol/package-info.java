/** The wire protocol: message records, the JSON-B codec, error codes and close codes (see README, Protocol). */
package dev.herald.protocol;
