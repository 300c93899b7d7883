#!/usr/bin/env bash
# Herald on GlassFish 7: make a domain listen on 127.0.0.1 only, before it is first started.
#
#   server-config/glassfish/bind-loopback.sh glassfish7/glassfish/domains/domain1/config/domain.xml
#
# A fresh domain1 binds 0.0.0.0: HTTP (8080), HTTPS (8181), admin (4848), IIOP (3700, 3820, 3920) and JMX (8686).
# The asadmin file (herald.asadmin) moves them too, but only on a running domain, which has by then been listening
# on every interface; this edits domain.xml while the domain is stopped, so that its first start is already on
# loopback. Listeners that already have an address get 127.0.0.1 in place of 0.0.0.0; the network listeners of
# a fresh domain have none and get one (a second address attribute would stop the domain from starting).
# Safe to run again. `mvn verify` runs it on the unpacked server before the GlassFish ITs.
set -euo pipefail

domain_xml=${1:?usage: bind-loopback.sh path/to/domain.xml}
[[ -f $domain_xml ]] || { echo "bind-loopback.sh: no such file: $domain_xml" >&2; exit 1; }

sed -i \
    -e 's/<network-listener port=/<network-listener address="127.0.0.1" port=/g' \
    -e 's/address="0\.0\.0\.0"/address="127.0.0.1"/g' \
    "$domain_xml"

# Check the result rather than trust the patterns: a GlassFish version whose domain.xml is laid out differently
# must fail here, not start on every interface.
if grep -q '0\.0\.0\.0' "$domain_xml"; then
    echo "bind-loopback.sh: $domain_xml still has 0.0.0.0:" >&2
    grep -n '0\.0\.0\.0' "$domain_xml" >&2
    exit 1
fi
if grep '<network-listener ' "$domain_xml" | grep -v -q 'address="127.0.0.1"'; then
    echo "bind-loopback.sh: $domain_xml has a network listener without address=\"127.0.0.1\":" >&2
    grep -n '<network-listener ' "$domain_xml" | grep -v 'address="127.0.0.1"' >&2
    exit 1
fi
echo "bind-loopback.sh: $domain_xml listens on 127.0.0.1 only"
