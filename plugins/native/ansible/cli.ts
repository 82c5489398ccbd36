/**
 * Drives the ansible executables: argv arrays only, never a shell; an allow-listed environment
 * (src/core/process-runner) plus the ANSIBLE_* settings below; the capstan_events stdout callback, whose
 * lines arrive whole and are parsed as they come. Each run gets its own temp dir, removed at the end: the
 * ssh control sockets (ANSIBLE_SSH_CONTROL_PATH_DIR), Ansible's local temp, and the run's files (limit,
 * vars, script). ControlPersist masters of the run are told to exit when it ends; on cancel or timeout the
 * runner ends every process of the run's scope, ssh masters included.
 */
import { readdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess, type RunResult } from '../../../src/core/process-runner.js';
import type { AnsibleConfig } from './config.js';
import { parseEventLine, type AnsibleEvent } from './events.js';

/** The callback plugin's directory, shipped with the plugin (copied to dist/ by the build). */
export const CALLBACK_DIR = fileURLToPath(new URL('./callback/', import.meta.url));

const STDERR_TAIL = 20;
const STDERR_LINE_CHARS = 2000;

export type AnsibleTool = 'ansible' | 'ansible-playbook' | 'ansible-inventory';

export interface AnsibleRunOptions {
  signal: AbortSignal;
  /** Each callback event the moment its line arrives. */
  onEvent?: (e: AnsibleEvent) => void;
  /** Stdout lines that are not callback events (a plugin's print, ansible-inventory's document). */
  onOtherStdout?: (line: string) => void;
  /** Ansible's stderr (warnings, errors) as pieces. */
  onStderr?: (text: string, partial: boolean) => void;
  onNotice?: (message: string) => void;
}

export interface AnsibleOutput extends RunResult {
  /** Stdout lines that were not events, joined (e.g. the inventory document). */
  stdout: string;
  /** The last lines of stderr, for error messages. */
  stderr: string[];
}

/** A run's private directory and the files it holds; `close` ends its ssh masters and removes it. */
export class RunDir {
  private constructor(readonly path: string) {}

  static async create(): Promise<RunDir> {
    return new RunDir(await mkdtemp(join(tmpdir(), 'capstan-ansible-')));
  }

  get controlDir(): string {
    return join(this.path, 'cp');
  }

  /** Writes a file only this user can read (0600, or 0700 for scripts). */
  async file(name: string, content: string, mode = 0o600): Promise<string> {
    const p = join(this.path, name);
    await writeFile(p, content, { mode });
    return p;
  }

  async close(): Promise<void> {
    // ControlPersist masters detach from the run; each socket left here is one still listening.
    const socks = await readdir(this.controlDir).catch(() => [] as string[]);
    await Promise.all(socks.map((s) => runProcess('ssh', ['-o', `ControlPath=${join(this.controlDir, s)}`, '-O', 'exit', 'capstan-control'], {
      signal: AbortSignal.timeout(5000),
    }).catch(() => undefined)));
    await rm(this.path, { recursive: true, force: true });
  }
}

/** The child's environment on top of the inherited allow-list: the callback, the run's private dirs, settings. */
export function ansibleEnv(cfg: AnsibleConfig, dir: RunDir): Record<string, string> {
  return {
    ANSIBLE_CALLBACK_PLUGINS: CALLBACK_DIR,
    ANSIBLE_STDOUT_CALLBACK: 'capstan_events',
    ANSIBLE_LOAD_CALLBACK_PLUGINS: '1',
    ANSIBLE_SSH_CONTROL_PATH_DIR: dir.controlDir,
    ANSIBLE_LOCAL_TEMP: join(dir.path, 'tmp'),
    ANSIBLE_RETRY_FILES_ENABLED: '0',
    // A missing or unparsable inventory is an error, not an empty inventory (Ansible's default: a warning).
    ANSIBLE_INVENTORY_UNPARSED_FAILED: '1',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_FORCE_COLOR: '0',
    ANSIBLE_FORKS: String(cfg.forks),
    ANSIBLE_TIMEOUT: String(cfg.connectTimeoutSeconds),
    PYTHONUNBUFFERED: '1',
    // The callback is loaded from the plugin's folder (maybe read-only, in dist/): no .pyc written next to it.
    PYTHONDONTWRITEBYTECODE: '1',
    ...(cfg.configFile ? { ANSIBLE_CONFIG: cfg.configFile } : {}),
  };
}

/** Options every call gets: the inventory and the vault password file (its path only). */
export function commonArgs(cfg: AnsibleConfig): string[] {
  return [
    ...(cfg.inventory ? [`--inventory=${cfg.inventory}`] : []),
    ...(cfg.vaultPasswordFile ? [`--vault-password-file=${cfg.vaultPasswordFile}`] : []),
  ];
}

export async function runAnsible(cfg: AnsibleConfig, tool: AnsibleTool, args: string[], dir: RunDir, run: AnsibleRunOptions): Promise<AnsibleOutput> {
  const other: string[] = [];
  const stderr: string[] = [];
  let open = false;
  const r = await runProcess(cfg.binDir ? join(cfg.binDir, tool) : tool, [...args, ...commonArgs(cfg)], {
    signal: run.signal, cwd: cfg.projectDir, env: ansibleEnv(cfg, dir),
    stdoutWholeLineBytes: cfg.maxEventBytes,
    onStdout: (line) => {
      const e = parseEventLine(line);
      if (e) run.onEvent?.(e);
      else {
        other.push(line);
        run.onOtherStdout?.(line);
      }
    },
    onStderr: (text, partial) => {
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
  return { ...r, stdout: other.join('\n'), stderr };
}

/**
 * Values as a YAML vars file where every string is tagged `!unsafe`: Ansible then never templates them, so
 * a `{{ lookup('pipe', ...) }}` inside a command or an extra var stays text instead of running on the
 * controller. JSON's string escapes are valid in YAML double-quoted scalars.
 */
export function unsafeVarsYaml(v: unknown): string {
  if (typeof v === 'string') return `!unsafe ${JSON.stringify(v)}`;
  if (Array.isArray(v)) return `[${v.map(unsafeVarsYaml).join(', ')}]`;
  if (v && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${unsafeVarsYaml(x)}`).join(', ')}}`;
  return JSON.stringify(v ?? null);
}
