/**
 * Runs the terraform (or tofu) CLI in a working copy: argv arrays only, an allow-listed environment plus
 * TF_IN_AUTOMATION and TF_INPUT=0 (never a prompt), stdout read as whole lines (the `-json` UI stream: one
 * event per line, each shown as it arrives), stderr as lines. Cancel and timeout reach the CLI as SIGINT first
 * (src/core/process-runner gracefulSignal), then the run's processes are ended.
 */
import { runProcess, type RunResult } from '../../../src/core/process-runner.js';
import type { TerraformConfig } from './config.js';

/** Longest stdout line kept whole (a `show -json` of a large state is one line). */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

export interface CliRun {
  signal: AbortSignal;
  cwd: string;
  /** Each stdout line, whole, the moment it arrives. */
  onStdout?: (line: string) => void;
  onStderr?: (text: string, partial: boolean) => void;
  onNotice?: (message: string) => void;
  /** Keep stdout whole in the result (output -json, show -json). */
  collect?: boolean;
}

export interface CliResult extends RunResult {
  stdout: string;
  stderr: string[];
}

export function cliEnv(cfg: Pick<TerraformConfig, 'passEnv'>, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const passed = Object.fromEntries((cfg.passEnv ?? []).filter((k) => from[k] !== undefined).map((k) => [k, from[k]!]));
  // No prompts, no "next step" hints; Terraform's own checkpoint call home is off.
  return { ...passed, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
}

export async function runCli(cfg: TerraformConfig, args: string[], run: CliRun): Promise<CliResult> {
  const out: string[] = [];
  const stderr: string[] = [];
  let open = false;
  const r = await runProcess(cfg.binary, args, {
    signal: run.signal, cwd: run.cwd, env: cliEnv(cfg), stdoutWholeLineBytes: MAX_LINE_BYTES,
    gracefulSignal: { signal: 'SIGINT', waitMs: cfg.interruptSeconds * 1000 },
    onStdout: (line) => {
      if (run.collect) out.push(line);
      run.onStdout?.(line);
    },
    onStderr: (text, partial) => {
      if (open) stderr[stderr.length - 1] += text;
      else {
        stderr.push(text);
        if (stderr.length > 50) stderr.shift();
      }
      open = partial;
      run.onStderr?.(text, partial);
    },
    onNotice: run.onNotice,
  });
  return { ...r, stdout: out.join('\n'), stderr };
}
