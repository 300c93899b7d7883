/** The command-line client, {@code herald-cli}: interactive chat and scripting on top of {@link dev.herald.client.HeraldClient} and, interactively, {@link dev.herald.client.ReconnectingClient}. */
package dev.herald.client.cli;
