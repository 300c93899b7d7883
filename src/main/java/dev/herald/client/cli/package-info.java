/** The command-line client, {@code herald-cli}: interactive chat and scripting on top of {@link dev.herald.client.HeraldClient}. */
package dev.herald.client.cli;
