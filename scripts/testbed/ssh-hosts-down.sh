#!/usr/bin/env bash
# Stops the SSH testbed that scripts/testbed/ssh-hosts-up.sh started in DIR.
#
#   scripts/testbed/ssh-hosts-down.sh DIR
#
# Kills exactly the processes that testbed started: each sshd named by a pid
# file in DIR/*/sshd.pid, plus everything still running inside that sshd's
# own UTS namespace (its sessions and the commands they run). Waits (bounded)
# for them to exit, removes the pid files. Safe to call twice, or on a DIR
# that never came up. Leaves keys and configs in DIR; the caller removes DIR.
set -uo pipefail

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
[ -d "$1" ] || exit 0
DIR=$(cd -- "$1" && pwd -P)

SELF_NS=$(readlink /proc/self/ns/uts)
INIT_NS=$(readlink /proc/1/ns/uts 2>/dev/null || echo none)

alive() { # pid: exists and is not a zombie
  local st
  st=$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ]
}

targets=()
declare -A our_ns=()
for d in "$DIR"/node* "$DIR"/impostor; do
  [ -d "$d" ] || continue
  if [ -f "$d/uts.ns" ]; then
    ns=$(cat "$d/uts.ns")
    # Never act on the machine's own namespace, whatever the file says.
    if [[ "$ns" =~ ^uts:\[[0-9]+\]$ ]] && [ "$ns" != "$SELF_NS" ] && [ "$ns" != "$INIT_NS" ]; then
      our_ns[$ns]=1
    fi
  fi
  if [ -f "$d/sshd.pid" ]; then
    pid=$(cat "$d/sshd.pid")
    # Only a pid that is still our sshd (its command line names our config).
    if [[ "$pid" =~ ^[0-9]+$ ]] && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$d/sshd_config"; then
      targets+=("$pid")
    fi
  fi
done

# One pass over /proc: every process living in one of our UTS namespaces.
if [ ${#our_ns[@]} -gt 0 ]; then
  while read -r nsdir link; do
    [ -n "$link" ] && [ -n "${our_ns[$link]:-}" ] || continue
    p=${nsdir#/proc/}; targets+=("${p%/ns}")
  done < <(find /proc/[0-9]*/ns -maxdepth 1 -name uts -printf '%h %l\n' 2>/dev/null)
fi

if [ ${#targets[@]} -gt 0 ]; then
  mapfile -t targets < <(printf '%s\n' "${targets[@]}" | sort -un)
  # wait_gone TRIES: prunes `left` to the pids still alive, polling every 0.1 s at most TRIES times.
  wait_gone() {
    local still p
    for _ in $(seq 1 "$1"); do
      still=()
      for p in "${left[@]}"; do alive "$p" && still+=("$p"); done
      left=("${still[@]}")
      [ ${#left[@]} -eq 0 ] && return
      sleep 0.1
    done
  }
  kill -TERM "${targets[@]}" 2>/dev/null
  left=("${targets[@]}")
  wait_gone 50
  if [ ${#left[@]} -gt 0 ]; then
    kill -KILL "${left[@]}" 2>/dev/null
    wait_gone 20
  fi
  if [ ${#left[@]} -gt 0 ]; then
    echo "ssh-hosts-down: still running after SIGKILL: ${left[*]}" >&2
    exit 1
  fi
fi

rm -f "$DIR"/node*/sshd.pid "$DIR"/impostor/sshd.pid "$DIR"/node*/uts.ns "$DIR"/impostor/uts.ns

# This testbed's authorized_keys file in the test user's home.
if [ -f "$DIR/authorized_keys.path" ]; then
  ak=$(cat "$DIR/authorized_keys.path")
  [[ "$ak" =~ /\.ssh/authorized_keys\.tb-[0-9a-f]{12}$ ]] && rm -f -- "$ak"
  rm -f "$DIR/authorized_keys.path"
fi

echo "ssh-hosts down: stopped ${#targets[@]} process(es) from $DIR"
