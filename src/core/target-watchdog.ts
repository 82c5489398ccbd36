/**
 * The target-side watchdog: a POSIX sh wrapper that applies Capstan's run rules (src/core/process-runner.ts)
 * on a remote target, where the server's own process scope cannot reach. Used by every plugin that hands a
 * command line to a target's shell (the ssh plugin over OpenSSH, the bolt plugin through Bolt).
 */
import { shQuote as quote } from './sh-quote.js';

/** Settings of the target-side watchdog. */
export interface WatchdogOptions {
  /** SIGTERM -> SIGKILL delay on the target (s). */
  graceSeconds: number;
  /** How long processes still holding output may go on after the command exited (s). */
  drainSeconds: number;
  /** Value of CAPSTAN_TARGET_RUN in the command's environment: finds processes that left its process group. */
  cookie: string;
  /** Prefix of the watchdog's own stderr lines (`<prefix> <message>`), read back as notices. */
  noticePrefix: string;
  /** A script directory name (scriptDirName) to remove when everything ended. */
  cleanupDir?: string;
}

/**
 * Ties a remote command's life to its session and applies the run rules on the target (the same as
 * src/core/process-runner.ts applies locally). Without a tty, sshd does not signal the command when the
 * client goes away (cancel, killed client, dropped connection), and keeps the session open while any
 * process holds its output; Bolt stops reading at the command's exit and leaves such processes running.
 * The watchdog:
 * - starts the command line in the user's login shell, in its own session when `setsid` exists, with
 *   `CAPSTAN_TARGET_RUN=<cookie>` in its environment (beside the server-side `CAPSTAN_RUN`, which it keeps); stdin is passed through on fd 3 (an asynchronous list would
 *   otherwise read /dev/null);
 * - checks every second that its parent (the sshd session, or the tool's process) is alive; when it is gone, every process of the
 *   run (the command's process group, and every process carrying the cookie, which survives setsid and
 *   double forks but not a cleared environment) gets SIGTERM, then SIGKILL after the grace;
 * - after the command exits, gives processes still holding the session's stdout/stderr (found through
 *   /proc/<pid>/fd) `drainSeconds`, then ends them and says so on stderr, so the session closes;
 * - removes the script directory, and exits with the command's exit code.
 * Limits (README): needs Linux /proc for the holder and cookie searches (elsewhere only the process group is
 * ended); processes of another user (run-as) are ended only as far as the ssh user may signal them.
 */
/**
 * Finds the watchdog's notice in a stderr line. The command may have left its last stderr line unfinished,
 * so the notice can follow other text on the same line: that text is returned as `before` (no newline
 * followed it). Undefined when the line holds no notice.
 */
export function splitNotice(line: string, noticePrefix: string): { before: string; message: string } | undefined {
  const at = line.indexOf(`${noticePrefix} `);
  if (at < 0) return undefined;
  return { before: line.slice(0, at), message: line.slice(at + noticePrefix.length + 1) };
}

export function withWatchdog(line: string, o: WatchdogOptions): string {
  const dirs = o.cleanupDir ? `"\${TMPDIR:-/tmp}"/${quote(o.cleanupDir)} /tmp/${quote(o.cleanupDir)}` : '';
  const script = [
    // The command line gets a leading space: one starting with `-` must be a command, not options of the shell.
    'exec 3<&0',
    'ck=$2',
    'out=$(readlink /proc/$$/fd/1 2>/dev/null); err=$(readlink /proc/$$/fd/2 2>/dev/null)',
    // Only a pipe or socket is the session's output; a file or a terminal is shared with other processes.
    'case $out in pipe:*|socket:*) ;; *) out=;; esac; case $err in pipe:*|socket:*) ;; *) err=;; esac',
    'sid=; command -v setsid >/dev/null 2>&1 && sid=setsid',
    'CAPSTAN_TARGET_RUN="$2" $sid "${SHELL:-/bin/sh}" -c " $1" <&3 3<&- &',
    'pid=$!',
    'exec 3<&-',
    // Ancestors (sshd session, sudo, Bolt) are never holders: they hold the output too, or read it. The
    // session is gone when the parent or the grandparent is (sudo between sshd and the watchdog lives on).
    "ppidof() { sed -n 's/^.*) [^ ]* \\([0-9]*\\).*$/\\1/p' \"/proc/$1/stat\" 2>/dev/null; }",
    'anc=; a=$PPID; while [ -n "$a" ] && [ "$a" -gt 1 ]; do anc="$anc $a"; a=$(ppidof "$a"); done',
    'parent=$PPID; grand=$(ppidof "$PPID"); [ -n "$grand" ] && [ "$grand" -gt 1 ] || grand=$PPID',
    // Each helper runs with stderr on /dev/null (exec, so no saved copy of the session's fds is left open).
    'cookied() { grep -lsxzF "CAPSTAN_TARGET_RUN=$2" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3; }',
    "pat() { printf %s \"$1\" | sed 's/[][*?\\\\]/\\\\&/g'; }",
    // A process of the run: it carries the cookie, or is in the command's process group (a sibling sharing the
    // session's stderr is not one).
    "ours() { grep -qsxzF \"CAPSTAN_TARGET_RUN=$ck\" \"/proc/$1/environ\" 2>/dev/null || [ \"$(sed -n 's/^.*) [^ ]* [0-9]* \\([0-9]*\\).*$/\\1/p' \"/proc/$1/stat\" 2>/dev/null)\" = \"$pid\" ]; }",
    // A holder has the session's stdout or stderr open for writing (fdinfo access mode 1 or 2); the reader
    // (sshd, Bolt) has the same pipe open read-only and is never one.
    'holders() { [ -n "$out$err" ] || return 0; find /proc/[0-9]*/fd -maxdepth 1 \\( -lname "$(pat "${out:-/}")" -o -lname "$(pat "${err:-/}")" \\) 2>/dev/null |',
    "  while IFS= read -r f; do p=${f#/proc/}; p=${p%%/*}; case \" $$ $anc \" in *\" $p \"*) continue;; esac; ours \"$p\" || continue",
    "    case $(sed -n 's/^flags:[[:space:]]*//p' \"/proc/$p/fdinfo/${f##*/}\" 2>/dev/null) in *[1256]) echo \"$p\";; esac; done | sort -u; }",
    'endall() { kill -"$1" -"$pid" 2>/dev/null || { [ -z "$sid" ] && kill -"$1" "$pid" 2>/dev/null; }; for p in $(exec 2>/dev/null; cookied x "$2"); do kill -"$1" "$p" 2>/dev/null; done; }',
    'alive() { for p in "$@"; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }',
    // Existence, not `kill -0`: the grandparent may be another user's (sshd's privileged monitor is root's).
    'up() { if [ -d /proc/self ]; then [ -e "/proc/$1" ]; else kill -0 "$1" 2>/dev/null; fi; }',
    '{ while up "$parent" && up "$grand"; do sleep 1; done',
    `  endall TERM "$2"; sleep ${o.graceSeconds}; endall KILL "$2"${dirs ? `; rm -rf ${dirs}` : ''}`,
    '} </dev/null >/dev/null 2>&1 &',
    'w=$!',
    'wait "$pid"; rc=$?',
    `n=0; while h=$(exec 2>/dev/null; holders); [ -n "$h" ] && [ "$n" -lt ${Math.round(o.drainSeconds * 5)} ]; do sleep 0.2; n=$((n+1)); done`,
    'if [ -n "$h" ]; then',
    '  c=$(echo $h | wc -w); kill -TERM $h 2>/dev/null',
    `  n=0; while alive $h && [ "$n" -lt ${o.graceSeconds * 5} ]; do sleep 0.2; n=$((n+1)); done`,
    '  kill -KILL $h 2>/dev/null',
    `  echo "${o.noticePrefix} the command exited but $c process(es) still held its output after ${o.drainSeconds} s on the target; ended (SIGTERM, then SIGKILL after ${o.graceSeconds} s)" >&2`,
    'fi',
    'kill "$w" 2>/dev/null',
    ...(dirs ? [`rm -rf ${dirs} 2>/dev/null`] : []),
    'exit $rc',
  ].join('\n');
  return `exec sh -c ${quote(script)} capstan-watchdog ${quote(line)} ${quote(o.cookie)}`;
}
