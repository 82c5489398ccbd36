/**
 * The stored journal as a source: the core registers itself (source `capstan`) as a provider of journal.list,
 * journal.stream and journal.note, so the API merges stored and live entries through the same registry
 * calls, permission and scope checks as any plugin's (routes/journal.ts).
 *
 * Cursors: journal.list's is the (at, id) of the last entry sent (base64url JSON); journal.stream's is the id
 * of the newest entry sent (ids only grow).
 */
import type { Static } from '@sinclair/typebox';
import { journalList, journalNote, journalStream, type JournalEntry } from '../capabilities/journal.js';
import { Errors, fieldError } from '../core/errors.js';
import type { CapabilityRegistry } from '../core/registry.js';
import { SYSTEM_PRINCIPAL } from '../core/permissions.js';
import { implement } from '../core/types.js';
import type { InventoryService } from '../inventory/aggregate.js';
import type { JournalPosition, JournalRow, Store } from '../store/types.js';

/** The source name of stored entries. */
export const STORED_SOURCE = 'capstan';

type Entry = Static<typeof JournalEntry>;

/** A stored row as the contract's entry. */
export function storedEntry(r: JournalRow): Entry {
  const data = r.data !== null && typeof r.data === 'object' && !Array.isArray(r.data) ? r.data as Record<string, unknown> : { value: r.data };
  return {
    id: String(r.id), source: STORED_SOURCE, node: r.node, at: r.at, kind: r.kind, summary: r.summary.slice(0, 2000),
    principal: r.principal, executionId: r.executionId, links: r.links, data,
  };
}

function encodePosition(p: JournalPosition): string {
  return Buffer.from(JSON.stringify([p.at, p.id])).toString('base64url');
}

function decodePosition(text: string): JournalPosition {
  try {
    const [at, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if (typeof at === 'string' && Number.isInteger(id)) return { at, id: id as number };
  } catch {
    /* below */
  }
  throw new Errors.Validation(`'${text.slice(0, 64)}' is not a cursor of the stored journal.`, { extra: { errors: [fieldError('query', '/cursor', 'invalid cursor')] } });
}

/** The first line of a note, for the timeline. */
function noteSummary(text: string, author: string): string {
  const line = text.split('\n', 1)[0].trim();
  return `note by ${author}: ${line.length > 200 ? `${line.slice(0, 199)}…` : line}`;
}

/** Registers the stored journal as source `capstan`; notes check their node against the inventory (404). */
export function registerStoredJournal(registry: CapabilityRegistry, store: Store, inventory: InventoryService): void {
  const names = [journalList.name, journalStream.name, journalNote.name];
  const up = () => true;
  registry.register(STORED_SOURCE, names, implement(journalList, async (p) => {
    const limit = p.limit ?? 100;
    const rows = store.journal.list(p, limit + 1, p.cursor ? decodePosition(p.cursor) : undefined);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { entries: page.map(storedEntry), nextCursor: rows.length > limit ? encodePosition(last) : null };
  }), up);
  registry.register(STORED_SOURCE, names, implement(journalStream, async (p) => {
    if (p.after === undefined) return { entries: [], cursor: String(store.journal.lastId()) };
    const after = Number(p.after);
    if (!Number.isSafeInteger(after) || after < 0) {
      throw new Errors.Validation(`'${p.after.slice(0, 64)}' is not a cursor of the stored journal.`, { extra: { errors: [fieldError('query', '/after', 'invalid cursor')] } });
    }
    const rows = store.journal.after(p, after, p.limit ?? 100);
    return { entries: rows.map(storedEntry), cursor: String(rows.length ? rows[rows.length - 1].id : after) };
  }), up);
  registry.register(STORED_SOURCE, names, implement(journalNote, async (p, ctx) => {
    const { node } = await inventory.node(p.node, { ...ctx, principal: SYSTEM_PRINCIPAL });
    const row = store.journal.append({
      node: node.name, at: new Date().toISOString(), kind: 'note', executionId: null, principal: ctx.principal.id,
      summary: noteSummary(p.text, ctx.principal.id), data: { text: p.text }, links: {},
    });
    return storedEntry(row);
  }), up);
}
