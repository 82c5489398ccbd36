/** Small HTTP helpers shared by the API tests: submit an execution, read its stored events and lines. */
import type { FastifyInstance } from 'fastify';

/** POST /api/v1/executions; throws unless 202. Returns the execution body. */
export async function submit(app: FastifyInstance, body: Record<string, unknown>): Promise<any> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: body });
  if (res.statusCode !== 202) throw new Error(`POST /api/v1/executions answered ${res.statusCode}: ${res.body}`);
  return res.json();
}

export interface StoredEvent { seq: number; type: string; data: any }

/** Every stored event of an execution, in sequence order. */
export async function events(app: FastifyInstance, id: string): Promise<StoredEvent[]> {
  const res = await app.inject({ method: 'GET', url: `/api/v1/executions/${id}/output?limit=10000` });
  if (res.statusCode !== 200) throw new Error(`output answered ${res.statusCode}: ${res.body}`);
  return res.json().items;
}

/**
 * The lines of one stream (stdout or stderr), of one target or all, in order, as a client rebuilds them:
 * partial pieces (`partial: true`, no newline yet) are joined with the pieces that continue them; a last
 * piece no newline followed is a line of its own. With several targets, pieces are joined per target.
 */
export function lines(evs: StoredEvent[], type: 'stdout' | 'stderr', target?: string): string[] {
  const out: string[] = [];
  const open = new Map<string, number>();
  for (const e of evs) {
    if (e.type !== type || (target && e.data.target !== target)) continue;
    const at = open.get(e.data.target);
    if (at === undefined) out.push(e.data.line);
    else out[at] += e.data.line;
    if (e.data.partial) open.set(e.data.target, at ?? out.length - 1);
    else open.delete(e.data.target);
  }
  return out;
}

/** The pieces of one stream exactly as stored: `[line, partial]`. */
export function pieces(evs: StoredEvent[], type: 'stdout' | 'stderr', target?: string): [string, boolean][] {
  return evs.filter((e) => e.type === type && (!target || e.data.target === target)).map((e) => [e.data.line, e.data.partial === true]);
}
