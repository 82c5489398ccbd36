/** Renders docs/errors.md: one entry per catalogue code, with its category and HTTP status. */
import { CATALOGUE, CATEGORIES } from './errors.js';

export function renderErrorsDoc(): string {
  const lines = [
    '# Error codes',
    '',
    'Every error answer is `application/problem+json` (RFC 9457) with `type`, `title`, `status`, `detail`,',
    '`instance`, `category`, `code` and `requestId`. Codes are stable and never reused. This file is generated',
    'by `npm run errors-doc` from src/core/errors.ts; a test fails when it is stale.',
    '',
    '## Categories',
    '',
    '| category | HTTP status | retryable |',
    '| --- | --- | --- |',
    ...Object.entries(CATEGORIES).map(([name, c]) => `| ${name} | ${c.status} | ${c.retryable ? 'yes' : 'no'} |`),
    '',
    '## Codes',
    '',
  ];
  for (const e of CATALOGUE) {
    lines.push(`### ${e.code}`, '', `${e.title}. Category \`${e.category}\` (HTTP ${e.status ?? CATEGORIES[e.category].status}).`, '', e.description, '');
  }
  return lines.join('\n');
}
