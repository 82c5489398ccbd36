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

/** The lines of one stream (stdout or stderr), of one target or all, in order. */
export function lines(evs: StoredEvent[], type: 'stdout' | 'stderr', target?: string): string[] {
  return evs.filter((e) => e.type === type && (!target || e.data.target === target)).map((e) => e.data.line);
}
