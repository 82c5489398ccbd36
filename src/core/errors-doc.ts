/** Renders docs/errors.md: one entry per catalogue code, with its category and HTTP status. */
import { CATALOGUE, CATEGORIES, PROBLEM_TYPE_BASE, problemType } from './errors.js';

export function renderErrorsDoc(): string {
  const lines = [
    '# Error codes',
    '',
    'Every error answer is `application/problem+json` (RFC 9457) with `type`, `title`, `status`, `detail`,',
    '`instance`, `category`, `code` and `requestId`. Codes are stable and never reused. This file is generated',
    'by `npm run errors-doc` from src/core/errors.ts; a test fails when it is stale.',
    '',
    `- \`type\` is \`${PROBLEM_TYPE_BASE}\` followed by the code in lower case, the anchor of the code\'s section below`,
    `  (\`${problemType('CAPSTAN_ERR_REQUEST_VALIDATION')}\`). Compare it as an identifier, or read \`code\`.`,
    '- Validation problems (category `validation`) list `errors`: one `{ "in", "pointer", "message" }` per problem. `in` is',
    '  the request part (`body`, `query`, `path`, `header`); `pointer` is an RFC 6901 JSON pointer into that part: into the',
    '  JSON body as sent for `body` (`/params/command`, `/targets/0`; `""` for the body as a whole), into the object of the',
    '  query, path or header values otherwise (`/limit`, `/id`, `/idempotency-key`). Member names are escaped (`~0`, `~1`).',
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
