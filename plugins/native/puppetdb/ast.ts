/**
 * A small typed builder of PuppetDB AST queries (the JSON arrays of PuppetDB's query API v4, "AST query
 * language"). Queries are data: user input only ever lands in a value position of an array and is serialised
 * by JSON.stringify, never spliced into query text. Field names and operators come from this code, and are
 * checked anyway, so a mistake here cannot become a different query either.
 */

/** A JSON value PuppetDB compares a field with. */
export type AstValue = string | number | boolean;

/** One AST node: `[operator, ...operands]`. */
export type Ast = readonly [string, ...unknown[]];

/** Field names and entity names as PuppetDB spells them (`certname`, `latest_report_status`, `facts`). */
const NAME = /^[a-z][a-z0-9_]*\??$/;

function field(name: string): string {
  if (!NAME.test(name)) throw new TypeError(`not a PuppetDB field name: ${JSON.stringify(name)}`);
  return name;
}

function value(v: unknown): AstValue {
  if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return v;
  throw new TypeError(`not an AST value: ${typeof v}`);
}

/** `["=", field, value]`. */
export const eq = (f: string, v: AstValue): Ast => ['=', field(f), value(v)];
/** `[">", field, value]` (numbers and timestamps). */
export const gt = (f: string, v: AstValue): Ast => ['>', field(f), value(v)];
/** `[">=", field, value]`. */
export const ge = (f: string, v: AstValue): Ast => ['>=', field(f), value(v)];
/** `["<", field, value]`. */
export const lt = (f: string, v: AstValue): Ast => ['<', field(f), value(v)];
/** `["<=", field, value]`. */
export const le = (f: string, v: AstValue): Ast => ['<=', field(f), value(v)];
/** `["null?", field, isNull]`. */
export const isNull = (f: string, yes = true): Ast => ['null?', field(f), yes];
/** `["=", "path", [...]]` of fact-contents: a fact path as an array of keys (each a value). */
export const factPath = (path: string[]): Ast => ['=', 'path', path.map((p) => value(p))];

/** `["and", ...]`, flattened: undefined parts are dropped; one part is returned as is; none is undefined. */
export function and(...parts: (Ast | undefined)[]): Ast | undefined {
  const list = parts.filter((p): p is Ast => p !== undefined);
  if (list.length <= 1) return list[0];
  return ['and', ...list];
}

/** `["or", ...]`: one part as is. An empty list matches nothing, which the caller must handle (undefined). */
export function or(...parts: Ast[]): Ast | undefined {
  if (parts.length <= 1) return parts[0];
  return ['or', ...parts];
}

/** `["not", q]`. */
export const not = (q: Ast): Ast => ['not', q];

/** Field equal to one of the values: `or` of `=` (undefined for no values: the caller decides). */
export function oneOf(f: string, values: readonly AstValue[]): Ast | undefined {
  return or(...[...new Set(values)].map((v) => eq(f, v)));
}

/** `["extract", [fields], q]` (or without a condition). */
export function extract(fields: string[], q?: Ast): Ast {
  const fs = fields.map(field);
  return q ? ['extract', fs, q] : ['extract', fs];
}

/** `["in", f, ["extract", sf, ["select_<entity>", q]]]`: a subquery on another entity. */
export function inSubquery(f: string, entity: string, subField: string, q: Ast): Ast {
  return ['in', field(f), ['extract', field(subField), [`select_${field(entity)}`, q]]];
}

/** `["from", entity, q]` for the root endpoint. */
export function from(entity: string, q?: Ast): Ast {
  return q ? ['from', field(entity), q] : ['from', field(entity)];
}

/** The text sent as the `query` parameter. */
export function serialize(q: Ast): string {
  return JSON.stringify(q);
}

/**
 * A query a user wrote (the `query` param of reports.query / events.query): JSON text that must be an AST
 * node (an array whose first item is an operator string). It is nested as one operand of our own `and`,
 * so it can narrow the result but never replace the typed filters. PQL text is refused here (see the
 * native query capability for PQL).
 */
export function parseUserAst(text: string): Ast {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new SyntaxError('the query must be a PuppetDB AST query as JSON (e.g. ["=", "environment", "production"]); PQL is accepted by the native query route only');
  }
  if (!Array.isArray(v) || v.length === 0 || typeof v[0] !== 'string') throw new SyntaxError('a PuppetDB AST query is a JSON array starting with an operator, e.g. ["=", "environment", "production"]');
  return v as unknown as Ast;
}
