/** Named schemas of /api/v1/tokens: the token as listed (never its secret), the create body and answer. */
import { Type, type TSchema } from '@sinclair/typebox';
import { dateTime, nextCursor, ref } from '../capabilities/common.js';
import { ROLE_NAME_PATTERN } from '../core/roles.js';

export const TokenRole = Type.String({
  $id: 'TokenRole', pattern: ROLE_NAME_PATTERN,
  description: 'A role: built in `viewer` (every read-only capability: `risk:read`), `operator` (reads and every capability up to riskLevel `execute`: '
    + '`risk:read`, `risk:write`, `risk:execute`), `admin` (everything, `*`: token management and the audit trail included), or a custom role of the '
    + "server's config (`roles`; unknown names are a 400).",
  examples: ['operator'],
});

const scope = Type.Array(Type.String({ minLength: 1, maxLength: 255, pattern: '^[^\\s\\x00-\\x1f\\x7f]+$' }), {
  minItems: 1, maxItems: 100, uniqueItems: true,
  description: 'Target scope: the token may act only on nodes these patterns cover (node names or aliases, group names with their child groups, '
    + 'globs `*` `?` over node names, `all`). A run whose expanded targets leave it is a 403 naming them. Absent: the roles decide alone.',
  examples: [['web*', 'db-replicas']],
});

export const TokenCreate = Type.Object({
  name: Type.String({ pattern: '^[A-Za-z0-9._@-]{1,64}$', description: 'Who or what the token stands for; executions record it as their `principal`.' }),
  roles: Type.Array(ref(TokenRole), { minItems: 1, maxItems: 20, uniqueItems: true }),
  scope: Type.Optional(scope),
  expiresAt: Type.Optional(dateTime({ description: 'When the token stops working (in the future). Absent: it never expires.' })),
}, {
  $id: 'TokenCreate', additionalProperties: false,
  examples: [{ name: 'ci-deploy', roles: ['operator'], expiresAt: '2027-01-01T00:00:00Z' }, { name: 'web-team', roles: ['operator'], scope: ['web*'] }],
});

export const TokenUpdate = Type.Object({
  roles: Type.Optional(Type.Array(ref(TokenRole), { minItems: 1, maxItems: 20, uniqueItems: true })),
  scope: Type.Optional(Type.Union([scope, Type.Null()], { description: 'The new target scope; `null` removes it.' })),
  expiresAt: Type.Optional(Type.Union([dateTime(), Type.Null()], { description: 'The new expiry (in the future); `null`: never expires.' })),
}, {
  $id: 'TokenUpdate', additionalProperties: false, minProperties: 1,
  description: 'What changes (JSON Merge Patch style: absent fields keep their value). The secret never changes: create a new token to rotate it.',
  examples: [{ roles: ['viewer'] }, { scope: ['db*'], expiresAt: null }],
});

const tokenFields = {
  id: Type.String({ description: 'Token id (for DELETE); not a secret.' }),
  name: Type.String(),
  owner: Type.String({ description: 'Who created it (the creating token\'s name; `bootstrap` for the first admin token).' }),
  roles: Type.Array(ref(TokenRole)),
  scope: Type.Union([scope, Type.Null()]),
  createdAt: dateTime(),
  lastUsedAt: Type.Union([dateTime(), Type.Null()], { description: 'Last authenticated request (recorded at most once a minute).' }),
  expiresAt: Type.Union([dateTime(), Type.Null()]),
  revokedAt: Type.Union([dateTime(), Type.Null()]),
};

export const ApiToken = Type.Object(tokenFields, { $id: 'ApiToken', additionalProperties: false, description: 'An API token without its secret.' });

export const CreatedApiToken = Type.Object({
  ...tokenFields,
  token: Type.String({ description: 'The bearer secret (`cap_...`). Shown in this answer only: the server keeps its hash.' }),
}, { $id: 'CreatedApiToken', additionalProperties: false });

export const ApiTokenList = Type.Object({ items: Type.Array(ref(ApiToken)), nextCursor: nextCursor() }, { $id: 'ApiTokenList' });

export const TOKEN_SCHEMAS: TSchema[] = [TokenRole, TokenCreate, TokenUpdate, ApiToken, CreatedApiToken, ApiTokenList];
