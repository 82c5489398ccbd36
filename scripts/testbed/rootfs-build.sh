#!/usr/bin/env bash
# Builds (once) a minimal Debian bookworm rootfs for the apt test hosts (test/testbed/rootfs-hosts.ts): each host
# runs sshd chrooted on an overlay whose lower layer is this rootfs, so every host has its own dpkg state.
# Adapted from /work/shared/reference/testbed-recipes/rootfs-build.sh: its own path, no package repository
# inside (the tests build their offline repository themselves), no apt source at all (nothing reaches a mirror
# after the build), built into a temp dir and renamed so a half-built rootfs is never used.
# Needs root and, the first time only, deb.debian.org (~40 s, ~250 MB). Reused while $ROOTFS/.done exists.
# Callers that may run concurrently take the lock first: flock "$ROOTFS.lock" bash rootfs-build.sh
set -euo pipefail
ROOTFS=${ROOTFS:-/srv/testbed/capstan-rootfs}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
if [ ! -f "$ROOTFS/.done" ]; then
  command -v debootstrap >/dev/null || apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends debootstrap >/dev/null
  mkdir -p "$(dirname "$ROOTFS")"
  tmp="$ROOTFS.building"
  rm -rf "$tmp" "$ROOTFS"
  debootstrap --variant=minbase --include=openssh-server,python3,sudo,iproute2 bookworm "$tmp" "$MIRROR" >/dev/null
  rm -f "$tmp"/etc/ssh/ssh_host_*                 # per-host keys are made when a host starts
  rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/cache/apt/*.bin
  : > "$tmp/etc/apt/sources.list"                 # the tests add their own offline repository
  rm -rf "$tmp"/var/lib/apt/lists/*
  touch "$tmp/.done"
  mv "$tmp" "$ROOTFS"
fi
echo "rootfs ready: $ROOTFS ($(du -sh "$ROOTFS" | cut -f1))"
