/** Named schemas of /api/v1/tokens: the token as listed (never its secret), the create body and answer. */
import { Type, type TSchema } from '@sinclair/typebox';
import { dateTime, nextCursor, ref } from '../capabilities/common.js';
import { ROLE_NAMES } from '../core/tokens.js';

const PERMISSION = '^(\\*|[a-z]+\\.(\\*|[a-z]+)|risk:(read|write|execute|admin))$';

export const TokenRole = Type.Unsafe<'viewer' | 'operator' | 'admin'>({
  $id: 'TokenRole', type: 'string', enum: [...ROLE_NAMES],
  description: '`viewer`: every read-only capability (`risk:read`); `operator`: reads and every capability up to riskLevel `execute` (`risk:read`, `risk:write`, `risk:execute`); `admin`: everything (`*`), token management included.',
});

const scope = Type.Array(Type.String({ pattern: PERMISSION }), {
  minItems: 1, maxItems: 100, uniqueItems: true,
  description: 'Narrows what the roles grant: a capability is allowed only when the roles and the scope both grant it (capability names, `family.*`, `risk:<level>`, `*`).',
});

export const TokenCreate = Type.Object({
  name: Type.String({ pattern: '^[A-Za-z0-9._@-]{1,64}$', description: 'Who or what the token stands for; executions record it as their `principal`.' }),
  roles: Type.Array(ref(TokenRole), { minItems: 1, maxItems: 3, uniqueItems: true }),
  scope: Type.Optional(scope),
  expiresAt: Type.Optional(dateTime({ description: 'When the token stops working (in the future). Absent: it never expires.' })),
}, {
  $id: 'TokenCreate', additionalProperties: false,
  examples: [{ name: 'ci-deploy', roles: ['operator'], expiresAt: '2027-01-01T00:00:00Z' }],
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

export const TOKEN_SCHEMAS: TSchema[] = [TokenRole, TokenCreate, ApiToken, CreatedApiToken, ApiTokenList];
