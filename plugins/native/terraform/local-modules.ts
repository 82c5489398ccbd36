/**
 * The local module sources a template reaches (`module "net" { source = "../shared/net" }`): Terraform
 * resolves a source starting with `./` or `../` against the calling module's directory and never copies it
 * (unlike registry and git sources, which `init` downloads), so a working copy must hold those directories at
 * the same places relative to the template. Read from the configuration files without running anything:
 * `*.tf` (comments blanked) and `*.tf.json` (`{"module": {"net": {"source": ...}}}`, also the list forms).
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, posix, sep } from 'node:path';
import { hclBlocks } from './module.js';

/** A source Terraform takes as a local path: `./x`, `../x` (and `.`, `..`). */
const LOCAL = /^\.\.?(\/|$)/;

export interface LocalModules {
  /** Directories to copy, relative to the module directory (posix separators), the template first. */
  dirs: string[];
  /** Why the template cannot be copied whole: a local source outside the module directory, or missing. */
  issue?: string;
}

/** Local sources named by one module directory's own configuration files (not its subdirectories'). */
export function localSources(dir: string): { file: string; source: string }[] {
  const out: { file: string; source: string }[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (f.endsWith('.tf.json')) {
      let doc: unknown;
      try {
        doc = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      } catch {
        continue; // readVariables reports a file that is not JSON
      }
      for (const source of jsonModuleSources(doc)) if (LOCAL.test(source)) out.push({ file: f, source });
    } else if (f.endsWith('.tf')) {
      // Only a module block's own `source` (a provisioner "file" has one too, naming a file).
      for (const b of hclBlocks(readFileSync(join(dir, f), 'utf8'), 'module')) {
        const source = /^"([^"]*)"$/.exec(b.attr('source') ?? '')?.[1];
        if (source !== undefined && LOCAL.test(source)) out.push({ file: f, source });
      }
    }
  }
  return out;
}

/** `source` of every module block of a `*.tf.json` document. */
function jsonModuleSources(doc: unknown): string[] {
  const block = (doc as { module?: unknown })?.module;
  const out: string[] = [];
  for (const part of Array.isArray(block) ? block : [block]) {
    if (!part || typeof part !== 'object') continue;
    for (const raw of Object.values(part as Record<string, unknown>)) {
      for (const b of Array.isArray(raw) ? raw : [raw]) {
        const s = (b as { source?: unknown } | undefined)?.source;
        if (typeof s === 'string') out.push(s);
      }
    }
  }
  return out;
}

/**
 * Every directory under `moduleRoot` the template needs, following local sources from module to module.
 * `template` is relative to moduleRoot (already checked to lie under it).
 */
export function localModuleDirs(moduleRoot: string, template: string): LocalModules {
  const start = posix.normalize(template.replaceAll('\\', '/'));
  const dirs = [start];
  try {
    return walk(moduleRoot, dirs);
  } catch (err) {
    // An unreadable file or directory of the module: said, never a 500.
    return { dirs, issue: `the module could not be read: ${(err as Error).message.replaceAll(moduleRoot, '<moduleDir>')}` };
  }
}

function walk(moduleRoot: string, dirs: string[]): LocalModules {
  const realRoot = realpathSync(moduleRoot);
  const inside = (p: string) => p === realRoot || p.startsWith(realRoot + sep);
  for (let i = 0; i < dirs.length; i++) {
    const rel = dirs[i];
    // A symlink may lead out of the module directory: what is copied must really be under it.
    if (!inside(realpathSync(join(moduleRoot, rel)))) return { dirs, issue: `'${rel}' leads outside the module directory through a symbolic link` };
    for (const { file, source } of localSources(join(moduleRoot, rel))) {
      const target = posix.normalize(posix.join(rel, source));
      const where = `${posix.join(rel, file)}`;
      if (target === '..' || target.startsWith('../') || posix.isAbsolute(target)) {
        return { dirs, issue: `module source '${source}' in '${where}' is outside the module directory: only what is under it is copied into a working copy` };
      }
      const abs = join(moduleRoot, target);
      if (!existsSync(abs) || !statSync(abs).isDirectory()) return { dirs, issue: `module source '${source}' in '${where}' is not a directory under the module directory` };
      if (!dirs.includes(target)) dirs.push(target);
    }
  }
  return { dirs };
}
