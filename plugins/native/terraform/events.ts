/**
 * Terraform's / OpenTofu's machine-readable UI (`-json`): one JSON object per stdout line (`@level`,
 * `@message`, `@module`, `@timestamp`, `type` and a typed payload; reference: terraform-json.md §1,
 * internal/command/views/json/*.go). Each line becomes readable output as it arrives: the `@message` on
 * stdout, a diagnostic on stderr with its severity, summary, address, place and detail. What the plugin needs
 * afterwards (planned changes, the change summary, errors, the state lock holder, a stale plan) is gathered
 * on the way. Unknown types and keys are ignored, as the format asks of its consumers.
 */

export interface Diagnostic {
  severity: 'error' | 'warning' | string;
  summary: string;
  detail: string;
  address?: string;
  range?: { filename?: string; start?: { line?: number; column?: number } };
}

export interface ChangeSummary {
  add: number;
  change: number;
  remove: number;
  import?: number;
  operation?: string;
}

export interface PlannedChange {
  address: string;
  action: string;
}

/** One parsed line: the text to show, where (stdout / stderr), and the event when it was JSON. */
export interface UiLine {
  stream: 'stdout' | 'stderr';
  lines: string[];
  event?: Record<string, unknown>;
}

/** Renders one stdout line of a `-json` command (a non-JSON line is shown as it is). */
export function renderLine(raw: string): UiLine {
  const line = raw.replace(/\r$/, '');
  let ev: Record<string, unknown> | undefined;
  if (line.startsWith('{')) {
    try {
      const v = JSON.parse(line) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) ev = v as Record<string, unknown>;
    } catch {
      ev = undefined;
    }
  }
  if (!ev) return { stream: 'stdout', lines: line ? [line] : [] };
  if (ev.type === 'diagnostic' && ev.diagnostic && typeof ev.diagnostic === 'object') {
    return { stream: 'stderr', lines: renderDiagnostic(ev.diagnostic as Diagnostic), event: ev };
  }
  const msg = typeof ev['@message'] === 'string' ? ev['@message'] : '';
  // A message may span lines (init's lock file notice): each is a line of output.
  return { stream: 'stdout', lines: msg ? msg.split('\n') : [], event: ev };
}

/** `error: <summary> (<address>, <file>:<line>)` then the detail, indented. */
export function renderDiagnostic(d: Diagnostic): string[] {
  const where = [d.address, d.range?.filename ? `${d.range.filename}${d.range.start?.line ? `:${d.range.start.line}` : ''}` : undefined].filter(Boolean);
  const head = `${d.severity === 'warning' ? 'warning' : d.severity === 'error' ? 'error' : d.severity}: ${d.summary}${where.length ? ` (${where.join(', ')})` : ''}`;
  const detail = (d.detail ?? '').split('\n').map((l) => l.trimEnd()).filter((l, i, all) => l !== '' || (i > 0 && i < all.length - 1));
  return [head, ...detail.map((l) => (l ? `  ${l}` : ''))];
}

/** What a run's events told, gathered while they stream. */
export class RunReport {
  readonly diagnostics: Diagnostic[] = [];
  readonly planned: PlannedChange[] = [];
  /** The last change_summary of each operation (`plan`, `apply`, `destroy`). */
  readonly summaries = new Map<string, ChangeSummary>();
  /** Resources whose apply errored (`apply_errored`), and those completed. */
  readonly errored: string[] = [];
  readonly completed: string[] = [];
  version?: { tool: 'terraform' | 'tofu'; version: string; ui?: string };
  interrupted = false;

  take(ev: Record<string, unknown>): void {
    switch (ev.type) {
      case 'version':
        this.version = typeof ev.tofu === 'string' ? { tool: 'tofu', version: ev.tofu, ui: str(ev.ui) } : { tool: 'terraform', version: str(ev.terraform) ?? '', ui: str(ev.ui) };
        break;
      case 'diagnostic':
        if (ev.diagnostic && typeof ev.diagnostic === 'object') this.diagnostics.push(ev.diagnostic as Diagnostic);
        break;
      case 'planned_change': {
        const c = ev.change as { resource?: { addr?: string }; action?: string } | undefined;
        if (c?.resource?.addr && c.action) {
          const i = this.planned.findIndex((p) => p.address === c.resource!.addr);
          if (i >= 0) this.planned.splice(i, 1);
          this.planned.push({ address: c.resource.addr, action: c.action });
        }
        break;
      }
      case 'change_summary': {
        const c = ev.changes as Record<string, unknown> | undefined;
        if (c) this.summaries.set(str(c.operation) ?? 'plan', { add: num(c.add), change: num(c.change), remove: num(c.remove), import: num(c.import), operation: str(c.operation) });
        break;
      }
      case 'apply_errored': case 'apply_complete': {
        const addr = (ev.hook as { resource?: { addr?: string } } | undefined)?.resource?.addr;
        if (addr) (ev.type === 'apply_errored' ? this.errored : this.completed).push(addr);
        break;
      }
      case 'log':
        if (typeof ev['@message'] === 'string' && /Interrupt received/i.test(ev['@message'])) this.interrupted = true;
        break;
      default:
    }
  }

  errors(): Diagnostic[] {
    return this.diagnostics.filter((d) => d.severity === 'error');
  }

  /** The state lock was held elsewhere (`Error acquiring the state lock`): the lock's details, when printed. */
  lockHeld(): { detail: string; lock?: Record<string, string> } | undefined {
    const d = this.errors().find((e) => /acquiring the state lock/i.test(e.summary));
    if (!d) return undefined;
    const lock: Record<string, string> = {};
    for (const m of (d.detail ?? '').matchAll(/^\s*(ID|Path|Operation|Who|Version|Created|Info):\s*(.*)$/gm)) lock[m[1]] = m[2].trim();
    return { detail: d.detail, ...(Object.keys(lock).length ? { lock } : {}) };
  }

  /** Terraform refused a saved plan because the state moved since it was made. */
  stalePlan(): Diagnostic | undefined {
    return this.errors().find((e) => /saved plan is stale/i.test(e.summary) || /saved plan is stale/i.test(e.detail ?? ''));
  }

  /** One line naming the errors, for a target's error detail. */
  errorText(): string {
    const errs = this.errors();
    if (!errs.length) return '';
    return errs.map((e) => `${e.summary}${e.address ? ` (${e.address})` : ''}${e.detail ? `: ${e.detail.split('\n').filter(Boolean).join(' ')}` : ''}`).join('; ');
  }
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** `output -json`: `{ name: { sensitive, type, value } }`. */
export type Outputs = Record<string, { sensitive?: boolean; type?: unknown; value?: unknown }>;

export function parseOutputs(text: string): Outputs {
  const v = JSON.parse(text.trim() || '{}') as unknown;
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('output -json did not print an object');
  return v as Outputs;
}

/** Outputs as attributes: sensitive values as `***` (Terraform prints them in clear in `output -json`). */
export function outputAttributes(outputs: Outputs, redacted = '***'): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, o.sensitive ? redacted : o.value]));
}

/** The managed resources of `show -json` state (root module and children), with their type and id. */
export function stateResources(show: unknown): { address: string; type: string; id?: string }[] {
  const out: { address: string; type: string; id?: string }[] = [];
  const walk = (m: unknown) => {
    const mod = m as { resources?: unknown[]; child_modules?: unknown[] } | undefined;
    for (const r of mod?.resources ?? []) {
      const res = r as { address?: string; mode?: string; type?: string; values?: { id?: unknown } };
      if (res.mode === 'managed' && res.address) out.push({ address: res.address, type: res.type ?? '', ...(typeof res.values?.id === 'string' ? { id: res.values.id } : {}) });
    }
    for (const c of mod?.child_modules ?? []) walk(c);
  };
  walk((show as { values?: { root_module?: unknown } } | undefined)?.values?.root_module);
  return out;
}
