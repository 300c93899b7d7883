#!/usr/bin/env bash
# Makes a development TLS keystore for Herald and a matching truststore for clients, with the JDK's keytool.
#
#   HERALD_KEYSTORE_PASSWORD=changeit server-config/tls/make-dev-keystore.sh [output-dir]
#
# Writes, in output-dir (default: server-config/tls/dev):
#   herald-keystore.p12    the server's EC key and self-signed certificate (CN=localhost,
#                          SAN localhost and 127.0.0.1), for --keystore
#   herald-truststore.p12  the certificate alone, for clients (HeraldClient, the CLI, curl --cacert after export)
#   herald.crt             the certificate in PEM, for browsers and other tools
# Both stores use the password from HERALD_KEYSTORE_PASSWORD. Never use these files in production.
set -euo pipefail

out=${1:-"$(dirname "$0")/dev"}
password=${HERALD_KEYSTORE_PASSWORD:?set HERALD_KEYSTORE_PASSWORD to the password for the new stores}
keytool=${JAVA_HOME:+$JAVA_HOME/bin/}keytool
mkdir -p "$out"
rm -f "$out/herald-keystore.p12" "$out/herald-truststore.p12" "$out/herald.crt"

# The password goes through the environment (-storepass:env), so it never shows in ps.
"$keytool" -genkeypair -alias herald -keyalg EC -groupname secp256r1 -validity 365 \
  -dname "CN=localhost, O=Herald development" -ext "SAN=dns:localhost,ip:127.0.0.1" \
  -storetype PKCS12 -keystore "$out/herald-keystore.p12" -storepass:env HERALD_KEYSTORE_PASSWORD
"$keytool" -exportcert -rfc -alias herald -keystore "$out/herald-keystore.p12" \
  -storepass:env HERALD_KEYSTORE_PASSWORD -file "$out/herald.crt"
"$keytool" -importcert -noprompt -alias herald -file "$out/herald.crt" \
  -storetype PKCS12 -keystore "$out/herald-truststore.p12" -storepass:env HERALD_KEYSTORE_PASSWORD

echo "wrote $out/herald-keystore.p12, $out/herald-truststore.p12 and $out/herald.crt"
