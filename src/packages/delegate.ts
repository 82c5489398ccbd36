/**
 * Runs a script on targets through the execution providers already there: each target goes to the
 * highest-priority available provider of script.execute that knows it (ssh, bolt, ansible), with the run's
 * own context (signal, process tracking, output budget). Lines the script prints with the run's marker are
 * taken out of the stream and returned (marked-lines.ts); everything else streams to the caller as the target printed it and
 * is kept, in order, for parsing. Each target's own result is held back: the caller emits it with its value.
 */
import type { CapabilityRegistry } from '../core/registry.js';
import { Errors, toCapstanError } from '../core/errors.js';
import type { ExecutionContext, TargetNode, TargetOutcome } from '../core/types.js';
import { MarkedLineReader } from './marked-lines.js';

/** What one target printed and how it ended. */
export interface ScriptRun {
  outcome: TargetOutcome;
  /** Lines the script marked (`<marker>:<tag> <text>`), as [tag, text], in order. */
  marked: [string, string][];
  /** The other lines (stdout and stderr), in the order they came. */
  output: string[];
}

export interface ScriptRequest {
  script: string;
  interpreter?: string;
  /** The script file's extension (`.ps1`), passed on as script.execute's `extension`. */
  extension?: string;
  runAs?: string;
  /** The prefix of the script's own lines (`capstan-pkg-<nonce>`). */
  marker: string;
  /** false: nothing streams to the caller (a probe, a query). */
  stream: boolean;
}

/** The providers of script.execute, by target: the best one that knows it, else the best one. */
export function scriptProviders(registry: CapabilityRegistry, targets: TargetNode[]): Map<string, TargetNode[]> {
  const providers = registry.available('script.execute').map((p) => p.plugin);
  if (!providers.length) throw new Errors.CapabilityNotProvided('No execution provider can run scripts (script.execute) for the package manager: enable ssh, bolt or ansible.', { extra: { capability: 'script.execute' } });
  const out = new Map<string, TargetNode[]>();
  for (const t of targets) {
    const p = providers.find((name) => t.sources.some((s) => s.source === name)) ?? providers[0];
    out.set(p, [...(out.get(p) ?? []), t]);
  }
  return out;
}

/**
 * Runs `req.script` on every target; resolves with one ScriptRun per target (a provider that failed as a
 * whole gives each of its targets a failed outcome). Never emits `target_result`.
 */
export async function runScript(registry: CapabilityRegistry, ctx: ExecutionContext, targets: TargetNode[], req: ScriptRequest, timeoutMs: number): Promise<Map<string, ScriptRun>> {
  const runs = new Map<string, ScriptRun>(targets.map((t) => [t.name, { outcome: { target: t.name, status: 'failed', exitCode: null }, marked: [], output: [] }]));
  const readers = new Map<string, MarkedLineReader>();
  const emit: ExecutionContext['emit'] = (e) => {
    const run = runs.get(e.target);
    if (!run) return;
    if (e.type === 'target_result') {
      const { type: _t, ...outcome } = e;
      run.outcome = outcome;
      return;
    }
    if (e.type === 'notice') {
      if (req.stream) ctx.emit(e);
      return;
    }
    // stdout may carry the script's marker lines; stderr is the manager's only.
    const key = `${e.target}\u0000${e.type}`;
    let reader = readers.get(key);
    if (!reader) readers.set(key, (reader = new MarkedLineReader(e.type === 'stdout' ? `${req.marker}:` : undefined)));
    const got = reader.push(e.line, e.partial === true);
    if (got.marked) run.marked.push(got.marked);
    if (got.output !== undefined) run.output.push(got.output);
    if (req.stream && got.stream) {
      const { partial: _p, ...rest } = e;
      ctx.emit({ ...rest, line: got.stream.line, ...(got.stream.partial ? { partial: true } : {}) });
    }
  };
  const params = {
    script: req.script,
    ...(req.interpreter ? { interpreter: req.interpreter } : {}),
    ...(req.extension ? { extension: req.extension } : {}),
    ...(req.runAs ? { runAs: req.runAs } : {}),
  };
  await Promise.all([...scriptProviders(registry, targets)].map(async ([provider, nodes]) => {
    try {
      const { value } = await registry.invoke('script.execute', structuredClone(params), { ...ctx, targets: nodes, emit }, { provider, timeoutMs });
      for (const r of (value as { results: TargetOutcome[] }).results) {
        const run = runs.get(r.target);
        if (run && run.outcome.exitCode === null && run.outcome.status === 'failed' && !run.outcome.error) run.outcome = r;
      }
    } catch (err) {
      const e = toCapstanError(err);
      for (const n of nodes) {
        runs.get(n.name)!.outcome = { target: n.name, status: 'failed', exitCode: null, error: { category: e.category, code: e.code, title: e.title, detail: e.message } };
      }
    }
  }));
  return runs;
}
