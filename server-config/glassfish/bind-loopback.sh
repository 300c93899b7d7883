#!/usr/bin/env bash
# Herald on GlassFish 7: make a domain listen on 127.0.0.1 only, before it is first started.
#
#   server-config/glassfish/bind-loopback.sh glassfish7/glassfish/domains/domain1/config/domain.xml
#
# A fresh domain1 binds 0.0.0.0: HTTP (8080), HTTPS (8181), admin (4848), IIOP (3700, 3820, 3920), JMX (8686) and
# the JMS broker's lazy-start proxy (7676, which GlassFish binds to 0.0.0.0 when the JMS host is "localhost").
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
    -e '/<jms-host /s/host="localhost"/host="127.0.0.1"/' \
    "$domain_xml"

# A fresh domain.xml has no JMS service in server-config: GlassFish adds one on its first start, with the JMS host
# "localhost", and so binds 7676 to 0.0.0.0 from the start. Give server-config that same service with 127.0.0.1
# (right after its admin-service, the first one in the file) unless it has one already.
server_config() { sed -n '/<config name="server-config">/,/<\/config>/p' "$domain_xml"; }
if ! server_config | grep '<jms-service' >/dev/null; then
    sed -i '0,/<\/admin-service>/s//<\/admin-service>\
      <jms-service default-jms-host="default_JMS_host" type="EMBEDDED">\
        <jms-host port="${JMS_PROVIDER_PORT}" name="default_JMS_host" host="127.0.0.1"\/>\
      <\/jms-service>/' "$domain_xml"
fi

# Check the result rather than trust the patterns: a GlassFish version whose domain.xml is laid out differently
# must fail here, not start on every interface.
if grep -q '0\.0\.0\.0' "$domain_xml"; then
    echo "bind-loopback.sh: $domain_xml still has 0.0.0.0:" >&2
    grep -n '0\.0\.0\.0' "$domain_xml" >&2
    exit 1
fi
if grep '<network-listener ' "$domain_xml" | grep -v 'address="127.0.0.1"' >/dev/null; then
    echo "bind-loopback.sh: $domain_xml has a network listener without address=\"127.0.0.1\":" >&2
    grep -n '<network-listener ' "$domain_xml" | grep -v 'address="127.0.0.1"' >&2
    exit 1
fi
if ! server_config | grep '<jms-host .*host="127.0.0.1"' >/dev/null; then
    echo "bind-loopback.sh: $domain_xml has no JMS host on 127.0.0.1 in server-config" >&2
    exit 1
fi
if grep '<jms-host ' "$domain_xml" | grep -v 'host="127.0.0.1"' >/dev/null; then
    echo "bind-loopback.sh: $domain_xml has a JMS host other than 127.0.0.1:" >&2
    grep -n '<jms-host ' "$domain_xml" | grep -v 'host="127.0.0.1"' >&2
    exit 1
fi
echo "bind-loopback.sh: $domain_xml listens on 127.0.0.1 only"
