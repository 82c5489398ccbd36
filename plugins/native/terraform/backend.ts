/**
 * Where a template keeps its state. The plugin keeps one local state per provisioned resource in its working
 * copy (workspace.ts); a `backend` or `cloud` block in the template would move it, and, since every working
 * copy of a template has the same block, make all its resources share one state (a second create would plan
 * changes to the first one's resources). Such templates are refused at submit.
 * Read from the root module's files: `terraform { backend "s3" { ... } }`, `terraform { cloud { ... } }` in
 * `*.tf`; `{"terraform": {"backend": {...}}}` (object or list forms) in `*.tf.json`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hclBlocks } from './module.js';

/** The first state-moving block of the template's own files, as `backend "s3"` / `cloud`, with its file. */
export function stateBlock(dir: string): { file: string; block: string } | undefined {
  for (const f of readdirSync(dir).sort()) {
    if (f.endsWith('.tf')) {
      for (const t of hclBlocks(readFileSync(join(dir, f), 'utf8'), 'terraform')) {
        const backend = hclBlocks(t.body, 'backend')[0];
        if (backend) return { file: f, block: `backend "${backend.labels[0] ?? ''}"` };
        if (hclBlocks(t.body, 'cloud').length) return { file: f, block: 'cloud' };
      }
    } else if (f.endsWith('.tf.json')) {
      let doc: { terraform?: unknown };
      try {
        doc = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { terraform?: unknown };
      } catch {
        continue; // readVariables reports a file that is not JSON
      }
      for (const t of [doc?.terraform].flat()) {
        const b = t as { backend?: unknown; cloud?: unknown } | undefined;
        if (b?.backend) return { file: f, block: `backend "${Object.keys([b.backend].flat()[0] as object ?? {})[0] ?? ''}"` };
        if (b?.cloud) return { file: f, block: 'cloud' };
      }
    }
  }
  return undefined;
}

/** Why a template cannot be provisioned per resource here, or undefined. */
export function stateBlockIssue(dir: string): string | undefined {
  const found = stateBlock(dir);
  return found && `'${found.file}' configures a ${found.block} block: the plugin keeps one local state per provisioned resource in its working copy, and a backend shared by every resource of the template would mix their states; remove the block (README: Working copies and state)`;
}
