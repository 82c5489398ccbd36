/**
 * The ssh plugin: inventory from a Bolt v2 inventory file, facts with one script per node, and command /
 * script execution over OpenSSH (or locally), every line streamed, targets in parallel.
 */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import type { Static } from '@sinclair/typebox';
import PQueue from 'p-queue';
import type { Logger } from 'pino';
import {
  commandExecute, puppetAgentCommand, puppetRun, infoFacts, infoRefresh, inventoryFilter, inventoryGet, inventoryGroups, inventoryList, scriptExecute,
  type Facts, type Node,
} from '../../../src/capabilities/index.js';
import { Errors, toCapstanError } from '../../../src/core/errors.js';
import { compileGlob } from '../../../src/core/glob.js';
import { BasePlugin, implement, type ExecutionContext, type HealthStatus, type PluginCapability, type TargetNode, type TargetOutcome } from '../../../src/core/types.js';
import { classify } from './classify.js';
import type { SshConfig } from './config.js';
import { FACTS_SCRIPT, parseFacts } from './facts.js';
import { LOCALHOST_ONLY, loadInventoryFile, parseInventory, type Inventory, type InventoryTarget, type TargetConnection } from './inventory.js';
import { resolveLocalUser, type LocalAccount } from './local-user.js';
import { DEFAULT_DRAIN_MS } from '../../../src/core/process-runner.js';
import { currentTracker } from '../../../src/core/process-tracking.js';
import { splitNotice, withWatchdog } from '../../../src/core/target-watchdog.js';
import { scriptDirName, scriptRunner, wrapCommand } from './shell.js';
import { runOnTarget } from './transport.js';

export const PLUGIN_ID = 'ssh';

/** What of the server the localUser check must know: the files only the server's account may read. */
export interface ServerFiles {
  dataDir: string;
  /** The YAML config file (CAPSTAN_CONFIG), when one is used. */
  configFile?: string;
}

type NodeT = Static<typeof Node>;
type FactsT = Static<typeof Facts>;

export class SshPlugin extends BasePlugin {
  readonly metadata = {
    name: PLUGIN_ID, version: '0.1.0', description: 'Inventory, facts and command/script execution over OpenSSH (and locally).',
    integrationTypes: ['inventory' as const, 'facts' as const, 'remote_execution' as const],
  };
  private inventory: Inventory = { targets: new Map(), groups: [] };
  /** The inventory as contract answers, built once per snapshot (see `snapshot()`). */
  private answers: SnapshotAnswers | undefined;
  /** Snapshot version: a per-instance random part (a restarted plugin never repeats one) and a generation. */
  private readonly instance = randomBytes(6).toString('base64url');
  private generation = 0;
  /** mtime, size and inode of the file last parsed: an unchanged file is not parsed again. */
  private fileStamp: string | undefined;
  private readonly facts = new Map<string, FactsT & { expires: number }>();
  /** plugins.ssh.localUser once checked; undefined: local runs are the server's own account. */
  private account: LocalAccount | undefined;

  constructor(private readonly cfg: SshConfig, private readonly logger: Logger, private readonly server: ServerFiles = { dataDir: 'data' }) {
    super();
  }

  async initialize(): Promise<void> {
    this.reload();
    if (this.cfg.localUser) {
      this.account = await resolveLocalUser(this.cfg.localUser, { serverUid: process.getuid?.() ?? -1, secrets: this.secrets() });
      this.logger.info({ localUser: this.account.name, uid: this.account.uid }, 'local runs switch to the localUser account');
    }
  }

  /** What the localUser account must not reach: the server's environment, config, data, ssh keys and agent. */
  private secrets(): string[] {
    const home = os.homedir();
    const keys = [...this.inventory.targets.values()].map((t) => t.connection.privateKey).filter((k): k is string => !!k)
      .map((k) => (k === '~' || k.startsWith('~/') ? join(home, k.slice(1)) : k));
    return [...new Set([
      `/proc/${process.pid}/environ`, resolve(this.server.dataDir), ...(this.server.configFile ? [resolve(this.server.configFile)] : []),
      join(home, '.ssh'), ...(process.env.SSH_AUTH_SOCK ? [process.env.SSH_AUTH_SOCK] : []), ...keys.map((k) => resolve(k)),
    ])];
  }

  /** Whether a run on the node is the server's own account: a local target without localUser. */
  private runsAsServer(node: TargetNode): boolean {
    return !this.account && this.connection(node).transport === 'local';
  }

  /**
   * Re-reads the inventory file when it changed (on each health check, so edits are picked up): a file with
   * the same mtime, size and inode is not parsed again; a new parse is a new snapshot version.
   */
  reload(): void {
    const file = this.cfg.inventoryFile;
    let stamp: string | undefined;
    if (file) {
      try {
        const st = statSync(file);
        stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
      } catch {
        stamp = undefined; // loadInventoryFile reports why the file cannot be read
      }
      if (stamp !== undefined && stamp === this.fileStamp && this.generation > 0) return;
    } else if (this.generation > 0) return;
    this.inventory = file ? loadInventoryFile(file) : parseInventory(LOCALHOST_ONLY);
    this.fileStamp = stamp;
    this.generation++;
    this.answers = undefined;
  }

  /** This snapshot's nodes (sorted), nodes by name and alias, groups, and version; built on first use. */
  private snapshot(): SnapshotAnswers {
    if (this.answers) return this.answers;
    const collator = new Intl.Collator();
    const nodes = [...this.inventory.targets.values()].map((t) => toNode(t)).sort((a, b) => collator.compare(a.name, b.name));
    const byName = new Map<string, NodeT>(nodes.map((n) => [n.name, n]));
    for (const n of nodes) for (const a of n.alias ?? []) if (!byName.has(a)) byName.set(a, n);
    const groups = this.inventory.groups.map((g) => ({ name: g.name, targets: g.targets, groups: g.groups, sources: [PLUGIN_ID] }));
    this.answers = { version: `${this.instance}.${this.generation}`, nodes, byName, groups };
    return this.answers;
  }

  async healthCheck(): Promise<HealthStatus> {
    try {
      this.reload();
    } catch (err) {
      return { status: 'unhealthy', message: (err as Error).message };
    }
    return { status: 'healthy', message: `${this.inventory.targets.size} targets in inventory`, details: { inventoryFile: this.cfg.inventoryFile ?? null } };
  }

  capabilities(): PluginCapability<any, any>[] {
    return [
      // ifNoneMatch naming this snapshot: "not modified", without the list (see the inventory contract).
      implement(inventoryList, async (p) => {
        const s = this.snapshot();
        if (p.ifNoneMatch === s.version) return { nodes: [], version: s.version, notModified: true };
        const all = !p.groups?.length && !p.transport;
        return {
          nodes: all ? s.nodes : s.nodes.filter((n) => (!p.groups?.length || p.groups.some((g) => n.groups.includes(g))) && (!p.transport || n.transport === p.transport)),
          version: s.version,
        };
      }),
      implement(inventoryGet, async (p) => ({ node: this.snapshot().byName.get(p.name) ?? null })),
      implement(inventoryGroups, async (p) => {
        const s = this.snapshot();
        return p.ifNoneMatch === s.version ? { groups: [], version: s.version, notModified: true } : { groups: s.groups, version: s.version };
      }),
      implement(inventoryFilter, async (p) => {
        const re = p.name ? compileGlob(p.name) : undefined;
        return {
          nodes: this.nodes().filter((n) => (!re || re.test(n.name))
            && (!p.groups?.length || p.groups.some((g) => n.groups.includes(g)))
            && (!p.transport || n.transport === p.transport)
            && Object.entries(p.facts ?? {}).every(([path, v]) => this.factValue(n.name, path) === v)),
        };
      }),
      implement(infoFacts, async (p, ctx) => this.gatherFacts(p.node, ctx, false)),
      implement(infoRefresh, async (p, ctx) => this.gatherFacts(p.node, ctx, true)),
      // runAs: the request's, else the target's `run-as` from the inventory.
      // Local targets without localUser run as the server's account: the ExecutionService asks for `*` then.
      implement(commandExecute, async (p, ctx) => this.runAll(ctx, (c) => ({ line: wrapCommand(p.command, { env: p.env, cwd: p.cwd, runAs: p.runAs ?? c.runAs }) })),
        { runsAsServer: (n) => this.runsAsServer(n) }),
      implement(scriptExecute, async (p, ctx) => this.runAll(ctx, (c, nonce) => ({
        line: wrapCommand(scriptRunner(p.arguments ?? [], p.interpreter, scriptDirName(nonce), p.extension), { env: p.env, runAs: p.runAs ?? c.runAs }),
        input: p.script, scriptDir: scriptDirName(nonce),
      })), { runsAsServer: (n) => this.runsAsServer(n) }),
      implement(puppetRun, async (p, ctx) => this.runAll(ctx, (c) => ({ line: wrapCommand(puppetAgentCommand(p), { runAs: p.runAs ?? c.runAs }) })),
        { runsAsServer: (n) => this.runsAsServer(n) }),
    ];
  }

  private nodes(): NodeT[] {
    return this.snapshot().nodes;
  }

  /** A fact by dot path (`os.family`): the inventory's facts first, then gathered facts still in the cache. */
  private factValue(name: string, path: string): string | undefined {
    const dig = (o: unknown) => path.split('.').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);
    const cached = this.facts.get(name);
    const v = dig(this.inventory.targets.get(name)?.facts) ?? (cached && cached.expires > Date.now() ? dig(cached) : undefined);
    return v === undefined || v === null ? undefined : String(v);
  }

  private connection(node: TargetNode): TargetConnection {
    return this.inventory.targets.get(node.name)?.connection ?? { name: node.name, transport: 'ssh', host: node.name };
  }

  /** Runs on every target of the context in parallel (maxParallel), streaming lines and emitting results. */
  private async runAll(ctx: ExecutionContext, build: (c: TargetConnection, nonce: string) => Built): Promise<{ results: TargetOutcome[] }> {
    const targets = ctx.targets ?? [];
    const pool = new PQueue({ concurrency: this.cfg.maxParallel });
    // Each running target listens on the one signal; past 10 Node would warn of a leak that is not one.
    setMaxListeners(Math.min(targets.length, this.cfg.maxParallel) + 10, ctx.signal);
    const results = await Promise.all(targets.map((node) => pool.add(async () => {
      let outcome: TargetOutcome;
      try {
        const c = this.connection(node);
        const nonce = randomBytes(9).toString('base64url');
        const built = build(c, nonce);
        try {
          outcome = await this.runTarget(ctx, node.name, c, built, nonce);
        } finally {
          // After a SIGKILL no trap ran: the server removes a local script directory itself.
          if (built.scriptDir && c.transport === 'local') removeLocalScriptDir(built.scriptDir);
        }
      } catch (err) {
        // One target's failure to start (ssh missing, bad argument) must not drop the others' results.
        const e = toCapstanError(err);
        outcome = { target: node.name, status: 'failed', exitCode: null, error: { category: e.category, code: e.code, title: e.title, detail: e.message } };
      }
      ctx.emit({ type: 'target_result', ...outcome });
      return outcome;
    }) as Promise<TargetOutcome>));
    return { results };
  }

  /** One target: over ssh wrapped in the remote watchdog, whose stderr notices become notice events. */
  private async runTarget(ctx: ExecutionContext, target: string, c: TargetConnection, built: Built, nonce: string): Promise<TargetOutcome> {
    const noticePrefix = `capstan-notice:${nonce}`;
    const notice = (message: string) => ctx.emit({ type: 'notice', target, message });
    // Over ssh the remote side must apply the run rules itself: see withWatchdog.
    const remote = c.transport === 'ssh' ? withWatchdog(built.line, {
      graceSeconds: this.cfg.remoteKillGraceSeconds, drainSeconds: (currentTracker()?.drainMs ?? DEFAULT_DRAIN_MS) / 1000,
      cookie: `${ctx.executionId ?? 'query'}.${nonce}`, noticePrefix, cleanupDir: built.scriptDir,
    }) : built.line;
    const r = await runOnTarget(c, this.cfg, remote, {
      signal: ctx.signal, input: built.input, onNotice: notice, account: this.account,
      onStdout: (l, partial) => ctx.emit({ type: 'stdout', target, line: l, partial }),
      onStderr: (l, partial) => {
        // The watchdog's notice may follow an unfinished stderr line of the command on the same line.
        const found = !partial && c.transport === 'ssh' ? splitNotice(l, noticePrefix) : undefined;
        if (!found) ctx.emit({ type: 'stderr', target, line: l, partial });
        else {
          if (found.before) ctx.emit({ type: 'stderr', target, line: found.before, partial: true });
          notice(found.message);
        }
      },
    });
    return classify(target, c.transport, r, ctx.signal);
  }

  private async gatherFacts(name: string, ctx: ExecutionContext, refresh: boolean): Promise<FactsT> {
    const target = this.inventory.targets.get(name) ?? [...this.inventory.targets.values()].find((t) => t.alias.includes(name));
    if (!target) throw new Errors.NodeNotFound(`The ssh inventory has no target '${name}'.`);
    const cached = this.facts.get(target.name);
    if (!refresh && cached && cached.expires > Date.now()) {
      const { expires: _e, ...f } = cached;
      return f;
    }
    const out: string[] = [];
    const err: string[] = [];
    // A fixed script with nothing of the request in it: info.facts / info.refresh suffice, also on local
    // targets; with localUser it runs as that account like every local run.
    const r = await runOnTarget(target.connection, this.cfg, 'sh -s', {
      signal: ctx.signal, input: FACTS_SCRIPT, onStdout: (l) => out.push(l), onStderr: (l) => err.push(l), account: this.account,
    });
    const outcome = classify(target.name, target.connection.transport, r, ctx.signal);
    if (outcome.status !== 'succeeded') {
      const e = outcome.error!;
      const Cls = e.category === 'unauthorized' ? Errors.Auth : e.category === 'forbidden' ? Errors.HostKey : e.category === 'unavailable' ? Errors.Connect : Errors.Upstream;
      throw new Cls(`gathering facts on ${target.name} failed: ${e.detail}${err.length ? ` (${err.slice(-3).join(' | ')})` : ''}`);
    }
    const facts = parseFacts(target.name, out, PLUGIN_ID) as FactsT;
    this.facts.set(target.name, { ...facts, expires: Date.now() + this.cfg.factsTtlSeconds * 1000 });
    this.logger.debug({ node: target.name }, 'facts gathered');
    return facts;
  }
}

/** The contract answers of one inventory snapshot, shared by every read of it (never mutated). */
interface SnapshotAnswers {
  version: string;
  nodes: NodeT[];
  byName: Map<string, NodeT>;
  groups: { name: string; targets: string[]; groups: string[]; sources: string[] }[];
}

/** What a capability runs on one target: the sh command line, its stdin, and a script directory to clean up. */
interface Built {
  line: string;
  input?: string;
  scriptDir?: string;
}

function removeLocalScriptDir(name: string): void {
  for (const dir of new Set([os.tmpdir(), process.env.TMPDIR ?? '/tmp', '/tmp'])) rmSync(join(dir, name), { recursive: true, force: true });
}

function toNode(t: InventoryTarget): NodeT {
  return {
    id: t.name, name: t.name, uri: t.uri, transport: t.connection.transport, groups: [...t.groups, 'all'],
    sources: [{ source: PLUGIN_ID, id: t.name }],
    ...(t.alias.length ? { alias: t.alias } : {}),
    ...(Object.keys(t.vars).length ? { vars: t.vars } : {}),
  };
}
