/**
 * Drives the bolt CLI: argv arrays only, `--format json`, project/inventory from config, an allow-listed
 * environment (src/core/process-runner), each stdout line handed over as it arrives.
 */
import { runProcess, type RunResult } from '../../../src/core/process-runner.js';
import type { BoltConfig } from './config.js';

export interface BoltRun {
  signal: AbortSignal;
  /**
   * User-supplied positional values (a command line, script arguments), passed after `--`. Bolt parses
   * options anywhere on its command line, so without it an argument such as `-t other` or `--run-as=root`
   * would be read as an option (other targets, escalation) or refused as an unknown one.
   */
  positional?: string[];
  onStdout?: (line: string) => void;
  onStderr?: (line: string) => void;
}

export interface BoltOutput extends RunResult {
  stdout: string;
  stderr: string[];
}

/** Options every bolt call gets. */
export function commonArgs(cfg: BoltConfig): string[] {
  const args = ['--format', 'json'];
  if (cfg.projectDir) args.push('--project', cfg.projectDir);
  if (cfg.inventoryFile) args.push('--inventoryfile', cfg.inventoryFile);
  return args;
}

/** Options of runs on targets. */
export function runArgs(cfg: BoltConfig, targets: string[], runAs?: string): string[] {
  const args = ['--targets', targets.join(','), '--concurrency', String(cfg.concurrency), '--connect-timeout', String(cfg.connectTimeoutSeconds)];
  if (runAs) args.push('--run-as', runAs);
  return args;
}

export async function runBolt(cfg: BoltConfig, args: string[], run: BoltRun): Promise<BoltOutput> {
  const out: string[] = [];
  const stderr: string[] = [];
  const argv = [...args, ...commonArgs(cfg), ...(run.positional ? ['--', ...run.positional] : [])];
  const r = await runProcess(cfg.binary, argv, {
    signal: run.signal, cwd: cfg.projectDir,
    onStdout: (l) => { out.push(l); run.onStdout?.(l); },
    onStderr: (l) => { stderr.push(l); run.onStderr?.(l); },
  });
  return { ...r, stdout: out.join('\n'), stderr };
}
