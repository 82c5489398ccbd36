/**
 * A target's outcome of a package change run, with the manager's own idea of success: the transport calls
 * every non-zero exit a failure, but some are not (a dnf/yum `--assumeno` dry run declines its prompt and
 * exits 1; zypper's 100-102 and 106 are informational, and 103 only in a dry run; Chocolatey's 3010 says a
 * reboot is pending). When `PackageManager.succeeded` accepts the exit code, the outcome becomes `succeeded`
 * without an error; the exit code itself is kept as the manager gave it.
 */
import type { PackageManager, PackageOp } from '../capabilities/package-managers/types.js';
import type { TargetOutcome } from '../core/types.js';

type ChangeOp = Extract<PackageOp, { kind: 'install' | 'uninstall' | 'update' }>;

/**
 * The exit code a run ended on, from the codes its commands gave (the script's `exit` markers, in order):
 * the first that stopped the script (not 0 nor one of the manager's `continueOn`), else, when the script
 * was cut before every command reported (`expected` of them: a cancel, a timeout, a dropped connection
 * during a command), the transport's code or -1, else the first non-zero one, else the transport's code,
 * else 0. A run cut during its manager's command never reads as a success.
 */
export function runExitCode(manager: PackageManager, exits: number[], transport: number | null, expected = 0): number {
  const goOn = new Set([0, ...(manager.continueOn ?? [])]);
  const stopped = exits.find((c) => !goOn.has(c));
  if (stopped !== undefined) return stopped;
  if (exits.length < expected) return transport !== null && transport !== 0 ? transport : -1;
  return exits.find((c) => c !== 0) ?? transport ?? 0;
}

/** `outcome` as is, or as a success when it failed only on an exit code `manager` counts as one. */
export function settleOutcome(manager: PackageManager, op: ChangeOp, outcome: TargetOutcome, output: string[], exitCode: number): TargetOutcome {
  if (outcome.status !== 'failed' || outcome.exitCode === null || exitCode === 0) return outcome;
  if (!manager.succeeded?.(op, output, exitCode)) return outcome;
  const { error: _error, ...rest } = outcome;
  return { ...rest, status: 'succeeded' };
}
