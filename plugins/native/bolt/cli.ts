/**
 * Drives the bolt CLI: argv arrays only, `--format json`, project/inventory from config, an allow-listed
 * environment (src/core/process-runner). Stdout is structured: each line arrives whole up to
 * `maxDocumentBytes` (never cut into pieces that would parse as something else, never flushed early), and
 * a longer one is dropped and reported in `oversized`. Stderr is Bolt's human log: live pieces.
 */
import { runProcess, type RunResult } from '../../../src/core/process-runner.js';
import { Errors, type CapstanError } from '../../../src/core/errors.js';
import type { BoltConfig } from './config.js';
import { StdoutReader, type BoltResult } from './json-stream.js';

export interface BoltRun {
  signal: AbortSignal;
  /**
   * User-supplied positional values (a command line, script arguments), passed after `--`. Bolt parses
   * options anywhere on its command line, so without it an argument such as `-t other` or `--run-as=root`
   * would be read as an option (other targets, escalation) or refused as an unknown one.
   */
  positional?: string[];
  /** Each result of a streamed run document, the moment its line arrives (such lines are not in `stdout`). */
  onItem?: (item: BoltResult) => void;
  /** Bolt's stderr as pieces: `partial` when no newline follows yet (see src/core/line-splitter.ts). */
  onStderr?: (text: string, partial: boolean) => void;
  /** What the runner did on its own (output holders ended, survivors). */
  onNotice?: (message: string) => void;
}

export interface BoltOutput extends RunResult {
  /** Stdout without the streamed results (head, summary, fatal errors, plan results, inventories...). */
  stdout: string;
  /** The last lines of stderr (at most STDERR_TAIL, each cut at STDERR_LINE_CHARS): for error messages. */
  stderr: string[];
  /** Sizes (bytes) of the stdout documents that were dropped for exceeding maxDocumentBytes. */
  oversized: number[];
}

const STDERR_TAIL = 20;
const STDERR_LINE_CHARS = 2000;

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
  const stdout = new StdoutReader((item) => run.onItem?.(item), cfg.maxDocumentBytes);
  const stderr: string[] = [];
  let open = false;
  const argv = [...args, ...commonArgs(cfg), ...(run.positional ? ['--', ...run.positional] : [])];
  const r = await runProcess(cfg.binary, argv, {
    signal: run.signal, cwd: cfg.projectDir,
    stdoutWholeLineBytes: cfg.maxDocumentBytes,
    onStdout: (line) => stdout.push(line),
    onStderr: (text, partial) => {
      // Pieces of one line are joined for messages; only the tail is kept.
      if (open) stderr[stderr.length - 1] = (stderr[stderr.length - 1] + text).slice(0, STDERR_LINE_CHARS);
      else {
        stderr.push(text.slice(0, STDERR_LINE_CHARS));
        if (stderr.length > STDERR_TAIL) stderr.shift();
      }
      open = partial;
      run.onStderr?.(text, partial);
    },
    onNotice: run.onNotice,
  });
  const oversized = [...r.oversizedLines, ...(stdout.overflowBytes ? [stdout.overflowBytes] : [])];
  return { ...r, stdout: stdout.text(), stderr, oversized };
}

/** The loud failure for documents past the bound: their sizes, the bound, and the key that raises it. */
export function documentTooLarge(cfg: BoltConfig, sizes: number[], what: string): CapstanError {
  const list = sizes.map((b) => `${b} bytes`).join(', ');
  return new Errors.OutputDocumentTooLarge(
    `bolt printed ${sizes.length === 1 ? 'a JSON document' : `${sizes.length} JSON documents`} (${what}) of ${list}, over the bolt plugin's `
    + `maxDocumentBytes of ${cfg.maxDocumentBytes} bytes; ${sizes.length === 1 ? 'it was' : 'they were'} dropped, not guessed. `
    + 'Raise plugins.bolt.maxDocumentBytes (env CAPSTAN_PLUGINS_BOLT_MAX_DOCUMENT_BYTES).',
    { extra: { documentBytes: sizes, maxDocumentBytes: cfg.maxDocumentBytes, configKey: 'plugins.bolt.maxDocumentBytes' } },
  );
}
