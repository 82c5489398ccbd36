/**
 * Per-source snapshots of one inventory capability (`inventory.list` or `inventory.groups`): asks every
 * provider, sending the version it holds as `ifNoneMatch`, and keeps each source's last full answer with its
 * version. A source answering `notModified` costs a tiny, fully validated answer instead of its whole list;
 * a source without versions answers in full each time. Per-source status is the one `invokeAll` reports: a
 * failing or unavailable source is listed with its error and contributes no items to this read.
 */
import { Errors } from '../core/errors.js';
import { authorize } from '../core/permissions.js';
import { askSource, type CapabilityRegistry, type SourceStatus } from '../core/registry.js';
import type { ExecutionContext } from '../core/types.js';

/** One source's data as of one answer. */
export interface Snapshot<T> {
  source: string;
  /** The source's version of it; undefined: the source gives none (a new answer every read). */
  version?: string;
  items: T[];
}

interface Answer {
  version?: string;
  notModified?: boolean;
  [key: string]: unknown;
}

export class SourceSnapshots<T> {
  private readonly held = new Map<string, Snapshot<T>>();

  constructor(
    private readonly registry: CapabilityRegistry,
    private readonly capability: 'inventory.list' | 'inventory.groups',
    private readonly key: 'nodes' | 'groups',
    private readonly timeoutMs: number,
  ) {}

  /** Snapshots of the sources that answered (in provider order), and every source's status; undefined: no provider. */
  async read(ctx: ExecutionContext): Promise<{ snapshots: Snapshot<T>[]; sources: SourceStatus[] } | undefined> {
    authorize(ctx.principal, this.registry.contract(this.capability));
    const providers = this.registry.providers(this.capability);
    if (providers.length === 0) return undefined;
    const answers = await Promise.all(providers.map((p) => askSource(p, () => this.fetch(p.plugin, ctx))));
    return { snapshots: answers.flatMap((a) => ('value' in a ? [a.value] : [])), sources: answers.map((a) => a.status) };
  }

  private async fetch(source: string, ctx: ExecutionContext): Promise<Snapshot<T>> {
    const held = this.held.get(source);
    const params = held?.version !== undefined ? { ifNoneMatch: held.version } : {};
    const { value } = await this.registry.invoke(this.capability, params, ctx, { provider: source, timeoutMs: this.timeoutMs });
    const answer = value as Answer;
    if (answer.notModified) {
      // Only a version this server holds can be "not modified"; anything else would serve nothing as data.
      if (held && answer.version === held.version) return held;
      throw new Errors.CapabilityResult(`'${source}' answered '${this.capability}' with notModified for version ${JSON.stringify(answer.version)}, which the server does not hold.`);
    }
    const snap: Snapshot<T> = { source, version: answer.version, items: answer[this.key] as T[] };
    if (snap.version !== undefined) this.held.set(source, snap);
    else this.held.delete(source);
    return snap;
  }
}

/** A key naming this exact set of snapshots, or undefined when one of them has no version (never reusable). */
export function versionKey(snapshots: Snapshot<unknown>[]): string | undefined {
  if (snapshots.some((s) => s.version === undefined)) return undefined;
  return JSON.stringify(snapshots.map((s) => [s.source, s.version]));
}

