#!/usr/bin/env bash
# Capstan SSH testbed: real sshd "hosts" on distinct loopback addresses.
#
#   scripts/testbed/ssh-hosts-up.sh DIR
#
# Starts, all on port 2222 and all for user capstan-tb (key auth only):
#   tb-node1    127.0.0.11   hostname tb-node1 (own UTS namespace)
#   tb-node2    127.0.0.12   hostname tb-node2
#   tb-node3    127.0.0.13   hostname tb-node3
#   tb-impostor 127.0.0.14   serves a host key that differs from the one
#                            recorded for it in DIR/known_hosts
#   tb-down     127.0.0.19   nothing listens (connection refused)
# and writes DIR/{id_ed25519,known_hosts,ssh_config,hosts.json}.
# Idempotent: re-running with the same DIR restarts that DIR's hosts and
# keeps its keys. Stop with scripts/testbed/ssh-hosts-down.sh DIR.
#
# Env: SSH_TB_NET  first three octets of the addresses (default 127.0.0),
#                  must stay inside 127.0.0.0/8; lets two testbeds coexist.
# Needs root (sshd, useradd, unshare --uts). Installs openssh-server via
# apt-get when sshd is missing.
set -euo pipefail

die() { echo "ssh-hosts-up: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 DIR"
[ "$(id -u)" = 0 ] || die "must run as root (sshd, useradd, unshare --uts)"

t_start=${EPOCHREALTIME/,/.}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)

mkdir -p -- "$1"
chmod 0700 -- "$1"
DIR=$(cd -- "$1" && pwd -P)
# The path ends up unquoted in sshd_config/ssh_config and in hosts.json.
[[ "$DIR" =~ ^[A-Za-z0-9._/@+:-]+$ ]] || die "DIR path must not contain spaces, quotes or backslashes: $DIR"

NET=${SSH_TB_NET:-127.0.0}
[[ "$NET" =~ ^127\.([0-9]{1,3})\.([0-9]{1,3})$ ]] \
  && [ "${BASH_REMATCH[1]}" -le 255 ] && [ "${BASH_REMATCH[2]}" -le 255 ] \
  || die "SSH_TB_NET must look like 127.X.Y (loopback only), got: $NET"

PORT=2222
TBUSER=capstan-tb
NODES=(tb-node1:11 tb-node2:12 tb-node3:13)
IMPOSTOR=tb-impostor; IMPOSTOR_ADDR=$NET.14
DOWN=tb-down; DOWN_ADDR=$NET.19

# --- packages ---------------------------------------------------------------
find_sshd() { command -v sshd 2>/dev/null || { [ -x /usr/sbin/sshd ] && echo /usr/sbin/sshd; } || true; }
SSHD=$(find_sshd)
if [ -z "$SSHD" ]; then
  echo "ssh-hosts-up: sshd missing, installing openssh-server" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends openssh-server openssh-client >&2
  SSHD=$(find_sshd)
  [ -n "$SSHD" ] || die "openssh-server installed but sshd not found"
fi
for c in ssh ssh-keygen unshare hostname flock; do
  command -v "$c" >/dev/null || die "missing command: $c"
done

# Stop whatever this DIR started before (idempotency); other DIRs untouched.
bash "$HERE/ssh-hosts-down.sh" "$DIR" >/dev/null
# All or nothing: on any failure below, stop what was started (logs stay in DIR).
trap 'rc=$?; [ $rc -eq 0 ] || bash "$HERE/ssh-hosts-down.sh" "$DIR" >/dev/null 2>&1; exit $rc' EXIT

# sshd refuses to start without its privilege separation directory.
install -d -m 0755 -o root -g root /run/sshd

# --- test user (shared by all testbeds: serialise with a lock) ---------------
LOCKDIR=/run/lock; [ -d "$LOCKDIR" ] || LOCKDIR=/tmp
exec 8>"$LOCKDIR/capstan-testbed-user.lock"
flock -w 60 8 || die "timed out waiting for $LOCKDIR/capstan-testbed-user.lock"
if ! id "$TBUSER" >/dev/null 2>&1; then
  useradd --create-home --shell /bin/bash --comment "Capstan SSH testbed" "$TBUSER"
fi
# '*' = no usable password. useradd's default '!' means "locked", and sshd
# (UsePAM no) refuses locked accounts even for public-key logins.
usermod -p '*' "$TBUSER"
TBHOME=$(getent passwd "$TBUSER" | cut -d: -f6)
[ -n "$TBHOME" ] || die "no home directory for $TBUSER"
[ -d "$TBHOME" ] || install -d -m 0755 -o "$TBUSER" -g "$TBUSER" "$TBHOME"
chmod go-w "$TBHOME"   # StrictModes rejects a group/world-writable home
install -d -m 0700 -o "$TBUSER" -g "$TBUSER" "$TBHOME/.ssh"
flock -u 8; exec 8>&-

# --- keys ---------------------------------------------------------------------
keygen() { [ -f "$1" ] || ssh-keygen -q -t ed25519 -N '' -C "$2" -f "$1"; chmod 0600 "$1"; }
pubkey() { cut -d' ' -f1,2 "$1.pub"; }

keygen "$DIR/id_ed25519" "$TBUSER@capstan-testbed"
# Each testbed DIR has its own authorized_keys file (named after DIR), so
# concurrent testbeds never edit a shared file; down removes it.
TBID=$(printf '%s' "$DIR" | sha256sum | cut -c1-12)
AUTHKEYS_REL=.ssh/authorized_keys.tb-$TBID
AUTHKEYS=$TBHOME/$AUTHKEYS_REL
install -m 0600 -o "$TBUSER" -g "$TBUSER" "$DIR/id_ed25519.pub" "$AUTHKEYS"
echo "$AUTHKEYS" > "$DIR/authorized_keys.path"

# --- sshd configs ---------------------------------------------------------------
# OpenSSH >= 9.8 penalises sources with many failed/aborted connections; the
# tests make many on purpose from 127.0.0.1, so switch that off where known.
install -d -m 0700 "$DIR/node1"
keygen "$DIR/node1/ssh_host_ed25519_key" tb-node1
EXTRA=""
printf 'HostKey %s\nPerSourcePenalties no\n' "$DIR/node1/ssh_host_ed25519_key" > "$DIR/.probe_sshd_config"
if "$SSHD" -t -f "$DIR/.probe_sshd_config" >/dev/null 2>&1; then EXTRA="PerSourcePenalties no"; fi
rm -f "$DIR/.probe_sshd_config"

write_sshd_config() { # dir address
  cat > "$1/sshd_config" <<CFG
# generated by ssh-hosts-up.sh for the Capstan SSH testbed
ListenAddress $2:$PORT
AddressFamily inet
HostKey $1/ssh_host_ed25519_key
PidFile $1/sshd.pid
AuthorizedKeysFile $AUTHKEYS_REL
AllowUsers $TBUSER
PermitRootLogin no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes yes
UseDNS no
PrintMotd no
PrintLastLog no
X11Forwarding no
LogLevel ERROR
MaxStartups 100:30:200
MaxSessions 50
Subsystem sftp internal-sftp
$EXTRA
CFG
}

start_sshd() { # name dir
  local name=$1 d=$2 pid="" i
  "$SSHD" -t -f "$d/sshd_config" || die "$name: invalid sshd config $d/sshd_config"
  : > "$d/sshd.log"
  # New UTS namespace -> own hostname; sshd daemonises inside it, so the
  # listener and every session it spawns see the node's hostname.
  if ! unshare --uts /bin/sh -c 'hostname "$1" && exec "$2" -f "$3" -E "$4"' \
      sh "$name" "$SSHD" "$d/sshd_config" "$d/sshd.log" </dev/null >>"$d/sshd.log" 2>&1; then
    die "$name: sshd failed to start: $(tail -n 5 "$d/sshd.log" | tr '\n' ' ')"
  fi
  # sshd daemonises before it binds, so a bind failure shows only in its log.
  for i in $(seq 1 50); do
    [ -s "$d/sshd.pid" ] && { pid=$(cat "$d/sshd.pid"); break; }
    grep -q 'Cannot bind' "$d/sshd.log" && break
    sleep 0.1
  done
  [ -n "$pid" ] || die "$name: no pid file after 5 s: $(tail -n 5 "$d/sshd.log" | tr '\n' ' ')"
  # Remember the namespace: down kills every process in it (sessions too).
  readlink "/proc/$pid/ns/uts" > "$d/uts.ns" || die "$name: sshd (pid $pid) died right after start"
}

port_open() { timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null; }

# Nothing may listen on the "unreachable" address, nor yet on ours (another
# testbed? stop it with ssh-hosts-down.sh ITS_DIR, or use another SSH_TB_NET).
for a in "$DOWN_ADDR" $(for n in "${NODES[@]}"; do echo "$NET.${n##*:}"; done) "$IMPOSTOR_ADDR"; do
  if port_open "$a" "$PORT"; then
    die "$a:$PORT is already listening (another testbed? stop it with ssh-hosts-down.sh on its DIR, or set SSH_TB_NET)"
  fi
done

: > "$DIR/known_hosts.tmp"
for n in "${NODES[@]}"; do
  name=${n%%:*}; addr=$NET.${n##*:}; d=$DIR/${name#tb-}
  install -d -m 0700 "$d"
  keygen "$d/ssh_host_ed25519_key" "$name"
  write_sshd_config "$d" "$addr"
  start_sshd "$name" "$d"
  echo "[$addr]:$PORT $(pubkey "$d/ssh_host_ed25519_key")" >> "$DIR/known_hosts.tmp"
done

# Impostor: serves ssh_host_ed25519_key but known_hosts records recorded_key.
d=$DIR/impostor
install -d -m 0700 "$d"
keygen "$d/ssh_host_ed25519_key" "$IMPOSTOR-served"
keygen "$d/recorded_key" "$IMPOSTOR-recorded"
write_sshd_config "$d" "$IMPOSTOR_ADDR"
start_sshd "$IMPOSTOR" "$d"
echo "[$IMPOSTOR_ADDR]:$PORT $(pubkey "$d/recorded_key")" >> "$DIR/known_hosts.tmp"
# Its real key, used only for the readiness probe below.
echo "[$IMPOSTOR_ADDR]:$PORT $(pubkey "$d/ssh_host_ed25519_key")" > "$d/served_known_hosts"
mv "$DIR/known_hosts.tmp" "$DIR/known_hosts"

# --- client config + hosts.json ----------------------------------------------
{
  echo "# generated by ssh-hosts-up.sh: ssh -F $DIR/ssh_config tb-node1 hostname"
  for n in "${NODES[@]}"; do printf 'Host %s\n  HostName %s\n' "${n%%:*}" "$NET.${n##*:}"; done
  printf 'Host %s\n  HostName %s\n' "$IMPOSTOR" "$IMPOSTOR_ADDR" "$DOWN" "$DOWN_ADDR"
  printf 'Host *\n  Port %s\n  User %s\n  IdentityFile %s\n  IdentitiesOnly yes\n' "$PORT" "$TBUSER" "$DIR/id_ed25519"
  printf '  UserKnownHostsFile %s\n  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n' "$DIR/known_hosts"
  printf '  BatchMode yes\n  ConnectTimeout 5\n  LogLevel ERROR\n'
} > "$DIR/ssh_config"

{
  printf '{\n  "user": "%s",\n  "privateKey": "%s",\n  "knownHosts": "%s",\n  "sshConfig": "%s",\n  "port": %s,\n  "hosts": [\n' \
    "$TBUSER" "$DIR/id_ed25519" "$DIR/known_hosts" "$DIR/ssh_config" "$PORT"
  sep=","
  for i in "${!NODES[@]}"; do
    [ "$i" -eq $((${#NODES[@]} - 1)) ] && sep=""
    printf '    { "name": "%s", "address": "%s" }%s\n' "${NODES[$i]%%:*}" "$NET.${NODES[$i]##*:}" "$sep"
  done
  printf '  ],\n  "impostor": { "name": "%s", "address": "%s" },\n  "unreachable": { "name": "%s", "address": "%s" }\n}\n' \
    "$IMPOSTOR" "$IMPOSTOR_ADDR" "$DOWN" "$DOWN_ADDR"
} > "$DIR/hosts.json.tmp"
mv "$DIR/hosts.json.tmp" "$DIR/hosts.json"

# --- readiness: every host must answer a real login, bounded ----------------
wait_host() { # alias expected-hostname [extra ssh args...]
  local alias=$1 want=$2 got="" i; shift 2
  for i in $(seq 1 50); do
    got=$(ssh -F "$DIR/ssh_config" "$@" "$alias" hostname 2>&1) && [ "$got" = "$want" ] && return 0
    sleep 0.1
  done
  echo "ssh-hosts-up: $alias not ready after 50 tries; last answer: $got" >&2
  return 1
}
pids=()
for n in "${NODES[@]}"; do wait_host "${n%%:*}" "${n%%:*}" & pids+=($!); done
wait_host "$IMPOSTOR" "$IMPOSTOR" -o "UserKnownHostsFile=$DIR/impostor/served_known_hosts" & pids+=($!)
ok=1
for p in "${pids[@]}"; do wait "$p" || ok=0; done
[ "$ok" = 1 ] || die "testbed not ready (logs: $DIR/*/sshd.log)"

elapsed=$(awk -v a="$t_start" -v b="${EPOCHREALTIME/,/.}" 'BEGIN { printf "%.2f", b - a }')
echo "ssh-hosts up in ${elapsed}s: tb-node1..3=$NET.11-13 tb-impostor=$IMPOSTOR_ADDR(wrong key recorded) tb-down=$DOWN_ADDR(closed) port $PORT user $TBUSER; try: ssh -F $DIR/ssh_config tb-node1 hostname"
