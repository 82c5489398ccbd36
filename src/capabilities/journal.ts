/**
 * Journal contracts: one timeline of what happened to nodes. Entries come from two kinds of source:
 * - `capstan` (the core, stored): every execution on a node, fact changes seen when facts are gathered, and
 *   people's notes; written by the ExecutionService and the core, never by a plugin;
 * - live sources: any plugin may provide journal.list / journal.stream from its own records (PuppetDB: one
 *   entry per report).
 * The API merges them newest first with one cursor (routes/journal.ts).
 */
import { Type } from '@sinclair/typebox';
import { cursorParam, dateTime, defineContract, limitParam, nextCursor, ref } from './common.js';

/** Entry kinds Capstan itself writes or its plugins use; a source may add its own (`^[a-z][a-z_]*$`). */
export const JOURNAL_KINDS = ['execution', 'provisioning', 'package', 'deployment', 'facts', 'note', 'report', 'alert'] as const;

const kind = (description = 'What the entry is about.') => Type.String({
  pattern: '^[a-z][a-z_]{0,31}$',
  description: `${description} Known kinds: \`execution\` (a run of a command, script, task, plan or Puppet run), \`provisioning\`, \`package\`, \`deployment\` (runs of those families), `
    + '`facts` (facts changed between two gatherings), `note` (written by a person), `report` (a configuration management report, e.g. PuppetDB), `alert`; sources may add others.',
  examples: ['execution'],
});

const nodeName = () => Type.String({ minLength: 1, maxLength: 255 });

export const JournalEntry = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 512, description: 'Unique within its source (stored entries: a number as text; PuppetDB: the report hash).' }),
  source: Type.String({ description: '`capstan` for entries Capstan stores, else the plugin that answered.' }),
  node: Type.String({ description: 'Node name (PuppetDB certname).' }),
  at: dateTime({ description: 'When it happened (an execution: when it ended; a report: the run\'s end time).' }),
  kind: kind(),
  summary: Type.String({ maxLength: 2000, description: 'One line for a timeline.' }),
  principal: Type.Union([Type.String(), Type.Null()], { description: 'Who did it (the token name of a run or a note), when known.' }),
  executionId: Type.Union([Type.String(), Type.Null()], { description: 'The execution this entry is about, if any.' }),
  links: Type.Record(Type.String(), Type.String(), { description: 'Related resources by name (`execution`, `report`, ...), as API paths.' }),
  data: Type.Record(Type.String(), Type.Unknown(), {
    description: 'Kind-specific details. execution: `capability`, `status`, `exitCode`, `changed`; facts: `changes` (`path`, `from`, `to`; secrets as `***`); '
      + 'note: `text`; report: `status`, `changed`, `failed` (resource counts, null when the report has no metrics), `noop`, `environment`, `configurationVersion`, `puppetVersion`.',
  }),
}, {
  $id: 'JournalEntry',
  additionalProperties: false,
  description: 'One entry of a node journal.',
  examples: [{
    id: '1042', source: 'capstan', node: 'web1.example.com', at: '2026-11-24T10:15:03.120Z', kind: 'execution',
    summary: 'command.execute succeeded (exit 0) by ci-deploy', principal: 'ci-deploy', executionId: '0f8e4c1a-5b2d-4f7e-9a41-3c2b1d0e9f88',
    links: { execution: '/api/v1/executions/0f8e4c1a-5b2d-4f7e-9a41-3c2b1d0e9f88' }, data: { capability: 'command.execute', status: 'succeeded', exitCode: 0 },
  }],
});

/** The entry's own documented example, reused so the two never drift apart. */
const exampleEntry = (JournalEntry.examples as Record<string, unknown>[])[0];

const filters = {
  nodes: Type.Optional(Type.Array(nodeName(), { minItems: 1, maxItems: 1000, description: 'Only entries of these nodes (absent: every node).' })),
  kinds: Type.Optional(Type.Array(kind('Only entries of these kinds.'), { minItems: 1, maxItems: 20 })),
};

export const JournalListParams = Type.Object({
  ...filters,
  since: Type.Optional(dateTime({ description: 'Only entries at or after this time.' })),
  until: Type.Optional(dateTime({ description: 'Only entries before this time.' })),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Only entries whose summary contains this text (case-insensitive).' })),
  limit: limitParam(),
  cursor: cursorParam(),
}, {
  $id: 'JournalListParams',
  additionalProperties: false,
  description: 'Which journal entries to list, newest first (ties: the higher id first).',
  examples: [{ nodes: ['web1.example.com'], since: '2026-11-24T00:00:00Z', limit: 50 }, { kinds: ['report', 'note'], q: 'nginx' }],
});

export const JournalListResult = Type.Object({
  entries: Type.Array(ref(JournalEntry)),
  nextCursor: nextCursor(),
}, {
  $id: 'JournalListResult',
  description: 'A page of journal entries, newest first.',
  examples: [{ entries: [exampleEntry], nextCursor: 'WyIyMDI2LTExLTI0VDEwOjE1OjAzLjEyMFoiLDEwNDJd' }, { entries: [], nextCursor: null }],
});

export const JournalStreamParams = Type.Object({
  ...filters,
  after: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'Cursor of the previous call; omitted: start from now (only entries newer than the call).' })),
  limit: limitParam('Maximum number of entries in this batch.'),
}, {
  $id: 'JournalStreamParams',
  additionalProperties: false,
  description: 'Where to resume following journal entries.',
  examples: [{}, { after: '1042', nodes: ['web1.example.com'], limit: 100 }],
});

export const JournalStreamResult = Type.Object({
  entries: Type.Array(ref(JournalEntry), { description: 'Entries after the cursor, oldest first.' }),
  cursor: Type.String({ description: 'Pass as `after` in the next call; unchanged when nothing new happened.' }),
}, {
  $id: 'JournalStreamResult',
  description: 'The next batch of journal entries in order, and where to resume.',
  examples: [{ entries: [exampleEntry], cursor: '1042' }, { entries: [], cursor: '1042' }],
});

export const JournalNoteParams = Type.Object({
  node: nodeName(),
  text: Type.String({ minLength: 1, maxLength: 10_000, description: 'The note (plain text).' }),
}, {
  $id: 'JournalNoteParams',
  additionalProperties: false,
  description: 'A note about a node, written by a person; its author is the caller.',
  examples: [{ node: 'web1.example.com', text: 'Replaced the failing disk (ticket OPS-1234).' }],
});

export const journalList = defineContract({
  name: 'journal.list',
  description: 'List journal entries of nodes, newest first: what was done to them and what happened on them.',
  params: JournalListParams,
  result: JournalListResult,
  riskLevel: 'read',
  mode: 'query',
});

export const journalStream = defineContract({
  name: 'journal.stream',
  description: 'Follow the journal: the entries after a cursor, oldest first, with the cursor to resume from.',
  params: JournalStreamParams,
  result: JournalStreamResult,
  riskLevel: 'read',
  mode: 'query',
});

export const journalNote = defineContract({
  name: 'journal.note',
  description: 'Add a note to a node\'s journal (the caller is its author).',
  params: JournalNoteParams,
  result: ref(JournalEntry),
  riskLevel: 'write',
  mode: 'query',
});

export const JOURNAL_CONTRACTS = [journalList, journalStream, journalNote];
export const JOURNAL_SCHEMAS = [JournalEntry, JournalListParams, JournalListResult, JournalStreamParams, JournalStreamResult, JournalNoteParams];
