/**
 * A target's outcome of a package change run, with the manager's own idea of success: the transport calls
 * every non-zero exit a failure, but some are not (a dnf/yum `--assumeno` dry run declines its prompt and
 * exits 1; zypper's 102/103 say a reboot or a second run is needed; Chocolatey's 3010 says the same). When
 * `PackageManager.succeeded` accepts the exit code, the outcome becomes `succeeded` without an error; the
 * exit code itself is kept as the manager gave it.
 */
import type { PackageManager, PackageOp } from '../capabilities/package-managers/types.js';
import type { TargetOutcome } from '../core/types.js';

type ChangeOp = Extract<PackageOp, { kind: 'install' | 'uninstall' | 'update' }>;

/**
 * The exit code a run ended on, from the codes its commands gave (the script's `exit` markers, in order):
 * the first that stopped the script (not 0 nor one of the manager's `continueOn`), else the first non-zero
 * one, else the transport's code (no marker: the script did not get that far), else 0.
 */
export function runExitCode(manager: PackageManager, exits: number[], transport: number | null): number {
  const goOn = new Set([0, ...(manager.continueOn ?? [])]);
  return exits.find((c) => !goOn.has(c)) ?? exits.find((c) => c !== 0) ?? transport ?? 0;
}

/** `outcome` as is, or as a success when it failed only on an exit code `manager` counts as one. */
export function settleOutcome(manager: PackageManager, op: ChangeOp, outcome: TargetOutcome, output: string[], exitCode: number): TargetOutcome {
  if (outcome.status !== 'failed' || outcome.exitCode === null || exitCode === 0) return outcome;
  if (!manager.succeeded?.(op, output, exitCode)) return outcome;
  const { error: _error, ...rest } = outcome;
  return { ...rest, status: 'succeeded' };
}
