/**
 * The {@code @ServerEndpoint} classes: thin adapters from JSR 356 callbacks to the hub, their configurator
 * (origin check, endpoint instances that carry the hub), and the container bootstrap.
 */
package dev.herald.endpoint;
