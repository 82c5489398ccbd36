#!/usr/bin/env bash
# Stops the Puppet testbed that scripts/testbed/puppet-up.sh started in $PST (default /srv/testbed/puppet-ci).
#
#   PST=/srv/testbed/puppet-ci scripts/testbed/puppet-down.sh
#
# Kills exactly the two JVMs named by $PST's pid files, and only while their command line still names $PST
# (a stale pid reused by another process is left alone); SIGTERM, up to 30 s, then SIGKILL. Then stops the
# private PostgreSQL cluster of $PST. Keeps $PST (logs) in place; puppet-up.sh wipes it on the next start.
# Safe to run twice or on a $PST that never came up. Never touches a stack of another $PST.
set -uo pipefail

PST=${PST:-/srv/testbed/puppet-ci}
[ -d "$PST" ] || exit 0

alive() { kill -0 "$1" 2>/dev/null && [ "$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null)" != Z ]; }
ours() { tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$PST/"; }

stopped=0
for f in "$PST/server/puppetserver.pid" "$PST/pdb/puppetdb.pid"; do
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  if [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" && ours "$pid"; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 60); do alive "$pid" || break; sleep 0.5; done
    alive "$pid" && kill -KILL "$pid" 2>/dev/null
    stopped=$((stopped + 1))
  fi
  rm -f "$f"
done

if [ -f "$PST/pg/data/postmaster.pid" ]; then
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PST/pg/data" -m fast -w stop >/dev/null 2>&1 && stopped=$((stopped + 1))
fi
echo "puppet-down: stopped $stopped service(s) of $PST"
