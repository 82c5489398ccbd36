/**
 * Native query contracts: a query in a source's own language (PuppetDB's PQL or AST), answered as the
 * source's rows. A read, but it reaches everything the source holds (every node's facts included), so it
 * needs the admin permission `*`: no risk grant or family wildcard gives it.
 */
import { Type } from '@sinclair/typebox';
import { defineContract } from './common.js';

export const QueryNativeParams = Type.Object({
  query: Type.String({
    minLength: 1,
    maxLength: 10_000,
    description: "The query in the source's language: PuppetDB PQL (`nodes[certname] { latest_report_status = 'failed' }`) "
      + 'or an AST as JSON text starting with `from` (`["from", "nodes", ["=", "latest_report_status", "failed"]]`).',
  }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, description: 'Most rows to return (the source may cap it lower).' })),
}, {
  $id: 'QueryNativeParams',
  additionalProperties: false,
  description: 'A query in the native language of the source.',
  examples: [{ query: "nodes[certname] { latest_report_status = 'failed' }" }, { query: '["from", "reports", ["=", "status", "failed"]]', limit: 10 }],
});

export const QueryNativeResult = Type.Object({
  rows: Type.Array(Type.Unknown(), { description: 'The rows as the source answered them.' }),
  total: Type.Optional(Type.Integer({ minimum: 0, description: 'How many rows match in all, when the source tells.' })),
  truncated: Type.Boolean({ description: 'True when more rows match than were returned (see limit).' }),
  source: Type.String({ description: 'Plugin id that answered.' }),
}, {
  $id: 'QueryNativeResult',
  description: 'The rows of a native query.',
  examples: [{ rows: [{ certname: 'node3' }], total: 1, truncated: false, source: 'puppetdb' }],
});

export const queryNative = defineContract({
  name: 'query.native',
  description: "Run a query in a source's own language (PuppetDB PQL or AST) and return its rows; needs the admin permission.",
  params: QueryNativeParams,
  result: QueryNativeResult,
  riskLevel: 'read',
  mode: 'query',
  requiredPermissions: ['*'],
});

export const QUERY_CONTRACTS = [queryNative];
export const QUERY_SCHEMAS = [QueryNativeParams, QueryNativeResult];
