#!/usr/bin/env bash
# Capstan Puppet testbed: a real PostgreSQL + PuppetDB + Puppetserver on loopback, filled by real agent runs.
#
#   scripts/testbed/puppet-up.sh            (as root; ~1 min once the packages are installed)
#
# Everything lives in $PST (config, CA, databases, logs, pid files); nothing under /etc/puppet* is edited.
# Every listener binds 127.0.0.1 only. Idempotent: it stops this $PST's stack (puppet-down.sh), wipes $PST
# and starts afresh, so a rerun gives the same data. It never touches a stack started with another $PST.
#
# Env (defaults in brackets):
#   PST        state directory [/srv/testbed/puppet-ci]; must be absent, empty, or made by this script
#   PGPORT     PostgreSQL [55433]           PDB_HTTP   PuppetDB plain HTTP [18080]
#   PDB_HTTPS  PuppetDB HTTPS [18081]       PS_PORT    Puppetserver HTTPS [18140]
#   NODES      agent certnames ["node1 node2 node3"]; the last one fails on purpose
#   PUPPET_TB_ENV  env file written at the end [$PST/capstan-test.env] (what the tests read)
#   PDB_JAVA_ARGS / PS_JAVA_ARGS  JVM options (defaults: small heaps, C1 JIT, serial GC)
#
# What PuppetDB holds afterwards (what the plugins' contract tests rely on):
#   pass 1  every node: first run, changes (status changed); the last node also fails (status failed)
#   pass 2  every node again: nothing left to change (unchanged); the last node fails again (failed); the
#           second node runs with --noop (unchanged, noop: true; with under 3 nodes a pass 3 of the first)
# so reports of all three statuses, a noop report, resource events of every kind (success, failure,
# skipped, noop), facts, and catalogs. Two environments (production, staging); production has one module
# (capstan_demo, version 1.2.3, with classes capstan_demo and capstan_demo::motd).
#
# The defaults differ from the shared dev stack's (/srv/testbed/puppet, 55432/8080/8081/8140) on purpose, so
# CI or a developer can run this next to it. The two JVMs need ~1.2 GB RSS together.
set -euo pipefail

die() { echo "puppet-up: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (apt, the postgres account, unshare for the agents' hostnames)"

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
PST=${PST:-/srv/testbed/puppet-ci}
PGPORT=${PGPORT:-55433}; PDB_HTTP=${PDB_HTTP:-18080}; PDB_HTTPS=${PDB_HTTPS:-18081}; PS_PORT=${PS_PORT:-18140}
NODES=${NODES:-"node1 node2 node3"}
ENV_FILE=${PUPPET_TB_ENV:-$PST/capstan-test.env}
MARKER=.capstan-puppet-testbed
export PST PGPORT PDB_HTTP PDB_HTTPS PS_PORT

# The path is written unquoted into HOCON, INI and Puppet code below.
[[ "$PST" =~ ^/[A-Za-z0-9._/-]+$ ]] || die "PST must be an absolute path of [A-Za-z0-9._/-]: $PST"
[ "$(printf '%s' "$PST" | tr -cd / | wc -c)" -ge 2 ] || die "PST is too close to / to be wiped safely: $PST"
for p in PGPORT PDB_HTTP PDB_HTTPS PS_PORT; do [[ "${!p}" =~ ^[0-9]{2,5}$ ]] || die "$p is not a port: ${!p}"; done
read -r -a NODE_LIST <<< "$NODES"
[ ${#NODE_LIST[@]} -ge 1 ] || die "NODES is empty"
for n in "${NODE_LIST[@]}"; do [[ "$n" =~ ^[a-z0-9][a-z0-9.-]*$ ]] || die "bad certname in NODES: $n"; done
FAILING=${NODE_LIST[-1]}

# --- packages ----------------------------------------------------------------------------------------------
# JDK and PostgreSQL come in as dependencies; PuppetDB's own database setup is declined (we make our own).
PKGS=(puppetserver puppetdb puppet-agent puppet-terminus-puppetdb postgresql postgresql-contrib)
if ! dpkg -s "${PKGS[@]}" >/dev/null 2>&1; then
  echo "puppet-up: installing ${PKGS[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  echo "puppetdb puppetdb/dbconfig-install boolean false" | debconf-set-selections
  apt_get() { apt-get -o DPkg::Lock::Timeout=600 -y -qq --no-install-recommends "$@"; }
  apt_get install "${PKGS[@]}" >/dev/null 2>&1 || { apt_get update >/dev/null && apt_get install "${PKGS[@]}" >/dev/null; }
fi
for c in curl unshare runuser; do command -v "$c" >/dev/null || die "missing command: $c"; done

# --- stop and wipe this PST's previous stack -----------------------------------------------------------------
# Only a directory this script made (the marker) or an empty one is ever wiped.
if [ -d "$PST" ] && [ -n "$(ls -A "$PST")" ] && [ ! -f "$PST/$MARKER" ]; then
  die "$PST exists, is not empty and was not made by this script; refusing to wipe it"
fi
bash "$HERE/puppet-down.sh" >/dev/null 2>&1 || true
rm -rf "$PST"
mkdir -p "$PST"/{etc/code/environments/{production,staging}/{manifests,modules},server,pdb/{conf.d,var},var,run,log,pg,agents,managed}
touch "$PST/$MARKER"

# A port already taken means another stack (or anything else): starting would only half work.
busy=$(ss -Hltn 2>/dev/null | awk '{print $4}' | grep -E ":($PGPORT|$PDB_HTTP|$PDB_HTTPS|$PS_PORT)\$" || true)
[ -z "$busy" ] || die "already listening: $(echo $busy); choose other ports (PGPORT, PDB_HTTP, PDB_HTTPS, PS_PORT)"

# All or nothing: on failure stop what was started; logs stay in $PST.
trap 'rc=$?; [ $rc -eq 0 ] || { echo "puppet-up: failed; logs in $PST" >&2; bash "$HERE/puppet-down.sh" >/dev/null 2>&1; }; exit $rc' EXIT

# Facter probes cloud metadata endpoints and /proc/1/environ in containers: block those facts machine-wide,
# but only when nobody configured facter yet (the file is shared with every other Puppet on the machine).
if [ ! -e /etc/facter/facter.conf ]; then
  mkdir -p /etc/facter
  printf 'facts : {\n  blocklist : [ "virtualization", "hypervisors", "uptime", "EC2", "GCE", "az_metadata", "cloud" ]\n}\n' > /etc/facter/facter.conf
fi

# --- PostgreSQL: a private cluster, socket in $PST, trust auth on loopback (test data only) -----------------
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
chown postgres: "$PST/pg"
runuser -u postgres -- "$PGBIN/initdb" -D "$PST/pg/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
# Durability is worthless for a throw-away database: fsync off halves PuppetDB's start.
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PST/pg/data" -l "$PST/pg/pg.log" -w -o \
  "-p $PGPORT -k $PST/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
psql_() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres "$@"; }
psql_ -c "CREATE ROLE puppetdb LOGIN PASSWORD 'puppetdb'" -c "CREATE DATABASE puppetdb OWNER puppetdb"
psql_ -d puppetdb -c "CREATE EXTENSION pg_trgm"   # PuppetDB's regex queries need it

# --- Puppet code and config ------------------------------------------------------------------------------------
FAILING=$FAILING AUTOSIGN="localhost ${NODE_LIST[*]}" bash "$HERE/puppet-config.sh"

# The CA and the server's certificate, made offline before the server starts. certname localhost carries
# pp_cli_auth, so its key is also the admin client key (CA statuses, environment cache, v4 catalogs).
puppetserver ca setup --config "$PST/etc/puppet.conf" --certname localhost \
  --subject-alt-names DNS:localhost,IP:127.0.0.1,DNS:puppet >/dev/null

# --- both JVMs at once, each in its own session (puppet-down.sh kills them by pid) ---------------------------
# C1-only JIT and the serial GC: ~40 s instead of ~60 s to ready and ~0.35 GB less RSS on 2 cores.
cd "$PST"
setsid /usr/bin/java ${PDB_JAVA_ARGS:--Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC} -Djava.security.egd=/dev/urandom \
  -XX:OnOutOfMemoryError="kill -9 %p" -Dcapstan.testbed="$PST" \
  -cp /usr/share/puppetdb/puppetdb.jar clojure.main -m puppetlabs.puppetdb.core services \
  --config "$PST/pdb/conf.d" --bootstrap-config /etc/puppetdb/bootstrap.cfg \
  > "$PST/pdb/puppetdb.log" 2>&1 < /dev/null & echo $! > "$PST/pdb/puppetdb.pid"
setsid /usr/bin/java ${PS_JAVA_ARGS:--Xms512m -Xmx1g -XX:TieredStopAtLevel=1 -XX:+UseSerialGC} \
  -Djruby.logger.class=com.puppetlabs.jruby_utils.jruby.Slf4jLogger -Djruby.lib=/usr/share/jruby/lib \
  -XX:+CrashOnOutOfMemoryError -Dcapstan.testbed="$PST" \
  -jar /usr/share/puppetserver/puppetserver.jar --config "$PST/server/conf.d" --bootstrap-config "$PST/server/services.d" \
  > "$PST/server/puppetserver.log" 2>&1 < /dev/null & echo $! > "$PST/server/puppetserver.pid"

wait_http() { # name pidfile url [curl args...]: until the url answers 2xx, the process dies, or 240 s pass
  local name=$1 pidf=$2 url=$3; shift 3
  for _ in $(seq 1 480); do
    curl -sf "$@" "$url" >/dev/null 2>&1 && return 0
    kill -0 "$(cat "$pidf")" 2>/dev/null || { tail -30 "${pidf%.pid}.log" >&2; die "$name died"; }
    sleep 0.5
  done
  die "$name not up after 240 s (log: ${pidf%.pid}.log)"
}
wait_http puppetdb "$PST/pdb/puppetdb.pid" "http://127.0.0.1:$PDB_HTTP/status/v1/services/puppetdb-status"
wait_http puppetserver "$PST/server/puppetserver.pid" "https://localhost:$PS_PORT/status/v1/simple" --cacert "$PST/var/ssl/certs/ca.pem"
echo "puppet-up: puppetdb and puppetserver answer after ${SECONDS}s" >&2

# --- agent runs -------------------------------------------------------------------------------------------------
# Each certname runs in its own UTS + mount namespace: facter then reports hostname nodeN, and nodeN resolves
# through a private /etc/hosts (no DNS query leaves the machine). Each has its own vardir, rundir and ssldir so
# the nodes of one pass run in parallel (one shared vardir would hold one agent lock for all).
agent() { # certname pass [extra agent args]: one run; its --detailed-exitcodes status on stdout
  local n=$1 pass=$2; shift 2
  local dir="$PST/agents/$n" rc=0
  mkdir -p "$dir"
  [ -f "$dir/hosts" ] || printf '127.0.0.1 localhost\n127.0.0.1 %s\n' "$n" > "$dir/hosts"
  FACTER_capstan_pass=$pass unshare --uts --mount sh -c "mount --bind '$dir/hosts' /etc/hosts && hostname '$n' && \
    exec puppet agent --test --color=false --confdir '$PST/etc' --certname '$n' \
      --vardir '$dir/cache' --rundir '$dir/run' --ssldir '$dir/ssl' $*" > "$dir/pass$pass.log" 2>&1 || rc=$?
  echo "$rc"
}
expect_rc() { # certname pass rc allowed...: --test means 0 nothing changed, 2 changes, 4 failures, 6 both
  local n=$1 pass=$2 rc=$3; shift 3
  for ok in "$@"; do [ "$rc" = "$ok" ] && return 0; done
  tail -20 "$PST/agents/$n/pass$pass.log" >&2
  die "agent $n pass $pass exited $rc, expected one of: $*"
}
# With 3+ nodes the second node's second run is the noop run (in pass 2, so no third pass is needed);
# with fewer, the first node runs a third pass with --noop.
NOOP=${NODE_LIST[0]}; [ ${#NODE_LIST[@]} -ge 3 ] && NOOP=${NODE_LIST[1]}
run_pass() { # pass: every node of NODE_LIST in parallel (the noop node with --noop from pass 2 on)
  local pass=$1 pids=() n
  for n in "${NODE_LIST[@]}"; do
    if [ "$pass" -ge 2 ] && [ "$n" = "$NOOP" ]; then agent "$n" "$pass" --noop; else agent "$n" "$pass"; fi > "$PST/agents/.rc-$n-$pass" &
    pids+=($!)
  done
  wait "${pids[@]}"
}
run_pass 1
for n in "${NODE_LIST[@]}"; do
  rc=$(cat "$PST/agents/.rc-$n-1")
  if [ "$n" = "$FAILING" ]; then expect_rc "$n" 1 "$rc" 4 6; else expect_rc "$n" 1 "$rc" 2; fi
done
if [ ${#NODE_LIST[@]} -ge 3 ]; then
  run_pass 2; RUNS=$(( ${#NODE_LIST[@]} * 2 ))
else
  NOOP=none; run_pass 2; NOOP=${NODE_LIST[0]}
  rc=$(agent "$NOOP" 3 --noop); expect_rc "$NOOP" 3 "$rc" 0; RUNS=$(( ${#NODE_LIST[@]} * 2 + 1 ))
fi
for n in "${NODE_LIST[@]}"; do
  rc=$(cat "$PST/agents/.rc-$n-2")
  if [ "$n" = "$FAILING" ]; then expect_rc "$n" 2 "$rc" 4 6; else expect_rc "$n" 2 "$rc" 0; fi
done

# PuppetDB stores commands asynchronously: wait until the queue is empty and every report is queryable.
pdb="http://127.0.0.1:$PDB_HTTP"
for i in $(seq 1 120); do
  depth=$(curl -sf "$pdb/status/v1/services/puppetdb-status" | grep -o '"queue_depth" *: *[0-9]*' | grep -o '[0-9]*$' || echo x)
  count=$(curl -sf -G "$pdb/pdb/query/v4/reports" --data-urlencode 'query=["extract",[["function","count"]]]' | grep -o '[0-9]\+' | head -1 || echo 0)
  [ "$depth" = 0 ] && [ "${count:-0}" -ge "$RUNS" ] && break
  [ "$i" = 120 ] && die "PuppetDB holds $count of $RUNS reports after 60 s (queue depth $depth)"
  sleep 0.5
done

# --- the env file the tests read -----------------------------------------------------------------------------
# KEY=value lines, valid shell (`. file`) and trivial to parse; paths hold no spaces (checked above).
tmp=$(mktemp "$ENV_FILE.XXXXXX")
cat > "$tmp" <<ENV
# Written by scripts/testbed/puppet-up.sh at $(date -u +%Y-%m-%dT%H:%M:%SZ). Loopback only.
PUPPET_TB_DIR=$PST
PUPPETSERVER_URL=https://localhost:$PS_PORT
PUPPETDB_URL=http://127.0.0.1:$PDB_HTTP
PUPPETDB_HTTPS_URL=https://localhost:$PDB_HTTPS
PUPPET_CA=$PST/var/ssl/certs/ca.pem
PUPPET_CERT=$PST/var/ssl/certs/localhost.pem
PUPPET_KEY=$PST/var/ssl/private_keys/localhost.pem
PUPPET_CRL=$PST/var/ssl/crl.pem
PUPPET_ADMIN_CERTNAME=localhost
PUPPET_NODES="${NODE_LIST[*]}"
PUPPET_FAILING_NODE=$FAILING
PUPPET_NOOP_NODE=$NOOP
PUPPET_ENVIRONMENTS="production staging"
PUPPET_REPORTS=$RUNS
# Only localhost and PUPPET_NODES are autosigned: other CSRs wait in state "requested".
PUPPET_AUTOSIGN=policy
# POST /puppet/v4/catalog is allowed for the admin certificate (auth.conf rule added by this script).
PUPPETSERVER_CATALOG_V4=allowed
# DELETE /puppet-admin-api/v1/environment-cache is allowed for the admin certificate (same).
PUPPETSERVER_ADMIN_API=allowed
# Module in production, with classes capstan_demo and capstan_demo::motd.
PUPPET_DEMO_MODULE=capstan/capstan_demo
PGPORT=$PGPORT
ENV
chmod 0644 "$tmp"; mv -f "$tmp" "$ENV_FILE"
echo "puppet stack ready after ${SECONDS}s: PuppetDB $pdb, Puppetserver https://localhost:$PS_PORT; env file $ENV_FILE"
