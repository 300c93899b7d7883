package dev.herald.broker;

import dev.herald.protocol.Member;

/**
 * A message as the hub hands it to the broker, before it has an offset.
 *
 * @param ts  ISO-8601 UTC with milliseconds, when the node accepted it
 * @param key the conflation key, or {@code null}
 */
public record Draft(Member from, String text, String ts, String key) {
}
