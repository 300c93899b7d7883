package dev.herald.protocol;

/** A room member as the protocol shows it: a deployment-unique id and a display name. */
public record Member(String id, String name) {
}
