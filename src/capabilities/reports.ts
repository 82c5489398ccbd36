/**
 * Reports contracts: configuration-management runs (Puppet reports from PuppetDB, Chef runs, ...).
 * Lists are newest first and paginated with an opaque cursor.
 */
import { Type } from '@sinclair/typebox';
import { cursorParam, dateTime, defineContract, limitParam, nextCursor, ref } from './common.js';
import { Report, reportStatus } from './records.js';

/** The record's own documented example (records.ts), reused so the two never drift apart. */
const exampleReport = (Report.examples as Record<string, unknown>[])[0];

export const ReportsListParams = Type.Object({
  node: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Only reports of this node.' })),
  limit: limitParam(),
  cursor: cursorParam(),
}, {
  $id: 'ReportsListParams',
  additionalProperties: false,
  description: 'Which reports to list (newest first).',
  examples: [{}, { node: 'web1.example.com', limit: 20 }],
});

export const ReportsListResult = Type.Object({
  reports: Type.Array(ref(Report)),
  nextCursor: nextCursor(),
  total: Type.Optional(Type.Integer({ minimum: 0, description: 'How many match in all, when the source tells (PuppetDB: include_total).' })),
}, {
  $id: 'ReportsListResult',
  description: 'A page of reports, newest first (without logs and resource events).',
  examples: [{ reports: [exampleReport], nextCursor: null }],
});

export const ReportsGetParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 255, description: 'Report id.' }),
}, {
  $id: 'ReportsGetParams',
  additionalProperties: false,
  description: 'Which report to return.',
  examples: [{ id: '2b5f5c1e9a0d3c7e8f6a4b2d1c0e9f8a7b6c5d4e' }],
});

export const ReportsGetResult = Type.Object({
  report: Type.Union([ref(Report), Type.Null()], { description: 'The report with logs and resource events, or null when unknown.' }),
}, {
  $id: 'ReportsGetResult',
  description: 'One report in full.',
  examples: [{
    report: {
      ...exampleReport,
      logs: [{ time: '2026-11-25T09:30:12Z', level: 'notice', source: '/Stage[main]/Nginx/Service[nginx]/ensure', message: "ensure changed 'stopped' to 'running'" }],
      resourceEvents: [{ resourceType: 'Service', resourceTitle: 'nginx', property: 'ensure', status: 'success', oldValue: 'stopped', newValue: 'running' }],
    },
  }, { report: null }],
});

export const ReportsQueryParams = Type.Object({
  nodes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 1000, description: 'Only reports of these nodes.' })),
  status: Type.Optional(Type.Array(reportStatus(), { minItems: 1, description: 'Only reports with one of these statuses.' })),
  environment: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  noop: Type.Optional(Type.Boolean({ description: 'Only noop (true) or only enforcing (false) runs.' })),
  since: Type.Optional(dateTime({ description: 'Only runs started at or after this time.' })),
  until: Type.Optional(dateTime({ description: 'Only runs started before this time.' })),
  query: Type.Optional(Type.String({
    minLength: 1,
    maxLength: 10000,
    description: "Extra filter in the provider's native query language (PuppetDB AST as JSON, or PQL), combined with AND.",
  })),
  limit: limitParam(),
  cursor: cursorParam(),
}, {
  $id: 'ReportsQueryParams',
  additionalProperties: false,
  description: 'Criteria of reports.query; all given criteria must match.',
  examples: [{ status: ['failed'], since: '2026-11-24T00:00:00Z' }, { query: '["=", "environment", "production"]', limit: 50 }],
});

export const ReportsQueryResult = Type.Object({
  reports: Type.Array(ref(Report)),
  nextCursor: nextCursor(),
  total: Type.Optional(Type.Integer({ minimum: 0, description: 'How many match in all, when the source tells (PuppetDB: include_total).' })),
}, {
  $id: 'ReportsQueryResult',
  description: 'A page of matching reports, newest first.',
  examples: [{ reports: [{ ...exampleReport, status: 'failed' }], nextCursor: 'eyJvZmZzZXQiOjUwfQ' }],
});

export const reportsList = defineContract({
  name: 'reports.list',
  description: 'List configuration-management run reports, newest first, optionally for one node.',
  params: ReportsListParams,
  result: ReportsListResult,
  riskLevel: 'read',
  mode: 'query',
});

export const reportsGet = defineContract({
  name: 'reports.get',
  description: 'Get one run report with its logs, metrics and per-resource events.',
  params: ReportsGetParams,
  result: ReportsGetResult,
  riskLevel: 'read',
  mode: 'query',
});

export const reportsQuery = defineContract({
  name: 'reports.query',
  description: 'Search run reports by node, status, environment, time range or a native query.',
  params: ReportsQueryParams,
  result: ReportsQueryResult,
  riskLevel: 'read',
  mode: 'query',
});

export const REPORTS_CONTRACTS = [reportsList, reportsGet, reportsQuery];
export const REPORTS_SCHEMAS = [ReportsListParams, ReportsListResult, ReportsGetParams, ReportsGetResult, ReportsQueryParams, ReportsQueryResult];
