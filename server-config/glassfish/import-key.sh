#!/usr/bin/env bash
# Herald on GlassFish 7: put Herald's TLS key into the domain's key store, alias "herald".
#
#   HERALD_KEYSTORE_PASSWORD=... server-config/glassfish/import-key.sh \
#       glassfish7/glassfish/domains/domain1 /srv/herald/tls/herald-keystore.p12
#
# GlassFish's HTTPS listeners take their keys from the domain's config/keystore.jks, whose password is the domain's
# master password (changeit in a fresh domain; set GLASSFISH_MASTER_PASSWORD if yours differs). Setting the ssl
# element's key-store attribute on a running 7.0.21 did not change the key served (a restart with it was not
# tried). herald.asadmin then picks the key by its alias
# (cert-nickname=herald). GlassFish reads the key store when it starts: run this while the domain is stopped, or
# restart it afterwards. Safe to run again: an existing "herald" entry is replaced. The passwords reach keytool
# through the environment, never on its command line. `mvn verify` runs it on the unpacked server with the key
# that make-dev-keystore.sh made.
set -euo pipefail

domain_dir=${1:?usage: import-key.sh path/to/domains/domain1 path/to/herald-keystore.p12}
p12=${2:?usage: import-key.sh path/to/domains/domain1 path/to/herald-keystore.p12}
: "${HERALD_KEYSTORE_PASSWORD:?set HERALD_KEYSTORE_PASSWORD to the password of $p12}"
export GLASSFISH_MASTER_PASSWORD=${GLASSFISH_MASTER_PASSWORD:-changeit}
keystore=$domain_dir/config/keystore.jks
[[ -f $keystore ]] || { echo "import-key.sh: no such file: $keystore" >&2; exit 1; }
[[ -f $p12 ]] || { echo "import-key.sh: no such file: $p12" >&2; exit 1; }

if keytool -list -keystore "$keystore" -storepass:env GLASSFISH_MASTER_PASSWORD -alias herald > /dev/null 2>&1; then
    keytool -delete -keystore "$keystore" -storepass:env GLASSFISH_MASTER_PASSWORD -alias herald
fi
# The key's own password must be the master password too: GlassFish unlocks every key with it.
keytool -importkeystore -noprompt \
    -srckeystore "$p12" -srcstoretype PKCS12 -srcstorepass:env HERALD_KEYSTORE_PASSWORD -srcalias herald \
    -destkeystore "$keystore" -deststorepass:env GLASSFISH_MASTER_PASSWORD \
    -destkeypass:env GLASSFISH_MASTER_PASSWORD -destalias herald
echo "import-key.sh: $keystore holds Herald's key as \"herald\""
