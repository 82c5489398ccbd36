/**
 * What one package manager (apt, dnf, yum, zypper, apk, chocolatey) tells the package provider: the argv of
 * each operation, how to read the installed versions before and after it, how to recognise a lock held by
 * another package process, and how to read its output into per-package changes. The provider (src/packages/)
 * wraps these in one script per target (script-sh.ts / script-powershell.ts), runs it through the execution
 * providers already there (script.execute of ssh, bolt, ansible), and parses what comes back.
 *
 * Everything here is pure (no I/O): each manager is tested on recorded real outputs.
 */
import type { Static } from '@sinclair/typebox';
import type { PackageChange } from '../package.js';
import type { Package } from '../records.js';

/** How many times at most a command is run again after an exit code in `PackageManager.rerunOn`. */
export const RERUNS = 2;

export type ManagerName = 'apt' | 'dnf' | 'yum' | 'zypper' | 'apk' | 'chocolatey';
export type PackageChangeT = Static<typeof PackageChange>;
export type PackageT = Static<typeof Package>;

/** A package and, optionally, the exact version wanted (names and versions already validated by the contract). */
export interface Spec {
  name: string;
  version?: string;
}

/** One operation, as the provider hands it to a manager. */
export type PackageOp =
  | { kind: 'install'; packages: Spec[]; refresh: boolean; dryRun: boolean }
  | { kind: 'uninstall'; names: string[]; purge: boolean; dryRun: boolean }
  /** `packages` absent: every upgradable package (update-all). */
  | { kind: 'update'; packages?: Spec[]; securityOnly: boolean; refresh: boolean; dryRun: boolean }
  | { kind: 'list'; name?: string; upgradable: boolean }
  | { kind: 'search'; query: string; limit: number };

/** An installed package as the manager's query prints it (one line per package, parsed by `parseInstalled`). */
export interface Installed {
  name: string;
  version: string;
  arch?: string;
}

export interface PackageManager {
  readonly name: ManagerName;
  /** The shell the script is written for: POSIX sh on Unix, PowerShell for Chocolatey on Windows. */
  readonly shell: 'sh' | 'powershell';
  /**
   * The argv arrays the operation runs, in order (a refresh first when asked). Every argument is a separate
   * string: the script quotes each one; nothing is ever joined into a shell line by a manager. Names start
   * with a letter or digit (the contract's pattern), and a `--` ends the options where the manager allows it.
   * Non-interactive always (`-y`, `DEBIAN_FRONTEND=noninteractive` via `env`, `--non-interactive`, ...).
   * @throws Errors.Validation (CAPSTAN_ERR_REQUEST_VALIDATION) for an option the manager does not have
   *   (security-only updates on apk and Chocolatey, or of named packages on zypper); the provider fails
   *   that manager's targets with it before running anything.
   */
  commands(op: PackageOp): string[][];
  /**
   * The argv printing the installed packages among `names` (all installed packages when `names` is empty),
   * in the form `parseInstalled` reads. Run before and after install/uninstall/update; a package that is not
   * installed may print nothing or an error line (ignored).
   */
  queryInstalled(names: string[]): string[];
  /** Reads `queryInstalled` output: one entry per installed package. */
  parseInstalled(lines: string[]): Installed[];
  /**
   * When the output (stdout and stderr lines of one attempt) says the package database is locked by another
   * process, a short text naming it (`/var/lib/dpkg/lock-frontend held by process 1234 (apt-get)`); else
   * undefined. The script retries the operation while this holds, until the run's deadline.
   */
  lockHeld(lines: string[], exitCode: number): string | undefined;
  /**
   * Per-package outcome of install/uninstall/update (a dry run included: then `versionAfter` is what would be
   * installed and `action` what would be done): from the versions before and after (real runs) and the
   * manager's own output (dry runs, not-found and held messages). `message` keeps the manager's own line(s)
   * about that package. Packages the request named come first, in its order; packages the manager touched
   * besides (dependencies, update-all) follow. `after` is undefined when the installed versions could not be
   * read again after the operation (the run was canceled or timed out during it, the connection dropped, and
   * the provider's own query afterwards failed too): then nothing may be read as removed for lack of a line,
   * and what is known comes from the manager's output only.
   */
  parseChanges(op: Extract<PackageOp, { kind: 'install' | 'uninstall' | 'update' }>, output: string[], exitCode: number,
    before: Installed[], after: Installed[] | undefined): PackageChangeT[];
  /**
   * Whether an attempt whose command exited with `exitCode` (not 0) still did what was asked, so that the
   * target's result is a success: a dry run the manager ended by declining its own prompt (dnf/yum
   * `--assumeno` exit 1 after "Operation aborted."), or codes the manager documents as informational
   * (zypper 100-102 and 106, 103 in a dry run; Chocolatey's reboot codes 1641 and 3010). Absent: only 0 succeeds. The
   * provider asks it before building the result (src/packages/settle.ts); `parseChanges` gets the raw code.
   */
  succeeded?(op: Extract<PackageOp, { kind: 'install' | 'uninstall' | 'update' }>, output: string[], exitCode: number): boolean;
  /**
   * Exit codes (besides 0) after which the script still runs the operation's next command: the command did
   * its part (Chocolatey's 1641 and 3010, a reboot pending). The script exits with the code that
   * stopped it, else with the first non-zero one; absent: any non-zero code stops the script.
   */
  readonly continueOn?: readonly number[];
  /**
   * Whether a list or search command that exited with `exitCode` (not 0) only found nothing: an empty answer,
   * not a failure (zypper's 104 "no matching items", dnf's "No matching Packages to list" with exit 1).
   * Absent: only 0 succeeds; any other exit makes the query fail with the manager's last lines.
   */
  noMatch?(op: Extract<PackageOp, { kind: 'list' | 'search' }>, exitCode: number, output: string[]): boolean;
  /**
   * An update naming packages would install those not installed (zypper `install --oldpackage` for a pinned
   * version, apk `add --upgrade`, `choco upgrade`): the provider then asks which are installed first and
   * updates only those; the others are `not_found` ("not installed"). Absent: the manager's update leaves
   * packages that are not installed alone by itself (apt `--only-upgrade`, dnf `upgrade`).
   */
  readonly updateInstallsAbsent?: boolean;
  /**
   * Exit codes after which the sh script (script-sh.ts) runs the same command again, at most RERUNS times,
   * in real runs only (a dry run changed nothing, so a second one would say the same): the manager says the
   * command must be run once more to finish (zypper's 103, ZYPPER_EXIT_INF_RESTART_NEEDED: an update of
   * the package manager itself was installed and the rest needs a second run, zypper(8) "EXIT CODES").
   * Each repeated run's code is printed as a `rerun <code>` marker, the last run's as the `exit` one; a code
   * still in the list after the last rerun stays the command's code. Absent: no reruns. PowerShell
   * scripts (Chocolatey) have none.
   */
  readonly rerunOn?: readonly number[];
  /** package.list: the installed packages (and upgradable ones with `availableVersion` when `op.upgradable`). */
  parseList(op: Extract<PackageOp, { kind: 'list' }>, output: string[]): Omit<PackageT, 'source'>[];
  /** package.search: available packages with their candidate version. */
  parseSearch(op: Extract<PackageOp, { kind: 'search' }>, output: string[]): Omit<PackageT, 'source'>[];
}
