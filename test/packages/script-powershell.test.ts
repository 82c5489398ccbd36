/**
 * The PowerShell script writer (src/capabilities/package-managers/script-powershell.ts). PowerShell is not
 * installed here, so the script is checked as text: every argument a single-quoted literal whose quotes
 * (ASCII and the typographic ones PowerShell also honours) are doubled, arguments a native program would
 * get mangled refused, the exit code read from the global $LASTEXITCODE (cleared first; unset means the
 * program could not start), continueOn codes not stopping the script, and the marker protocol.
 */
import t from 'tap';
import { psQuote, psScript } from '../../src/capabilities/package-managers/script-powershell.js';
import { chocolatey } from '../../src/capabilities/package-managers/chocolatey.js';
import type { PackageManager } from '../../src/capabilities/package-managers/types.js';

const M = 'capstan-pkg-test';

/** The literal a single-quoted PowerShell string denotes (quote characters doubled inside); undefined when it is not one literal. */
function unquote(lit: string): string | undefined {
  const Q = "'\u2018\u2019\u201A\u201B";
  if (!Q.includes(lit[0]) || !Q.includes(lit[lit.length - 1])) return undefined;
  let out = '';
  for (let i = 1; i < lit.length - 1; i++) {
    if (Q.includes(lit[i])) {
      if (lit[i + 1] !== lit[i] || i + 1 >= lit.length - 1) return undefined;
      i++;
    }
    out += lit[i];
  }
  return out;
}

t.test('psQuote: ASCII and typographic single quotes are doubled; the literal round-trips', async (t) => {
  t.equal(psQuote("it's"), "'it''s'");
  for (const s of ["it's", 'a\u2019b', "\u2018; Remove-Item -Recurse C:\\ ;\u2019", "$(whoami)", '`n', "a'\u201Bb"]) {
    t.equal(unquote(psQuote(s)), s, JSON.stringify(s));
  }
  t.equal(psQuote('$env:PATH'), "'$env:PATH'", 'single quotes do not expand variables');
});

t.test('the Chocolatey script: quoted calls, marker protocol, exit handling', async (t) => {
  const s = psScript(chocolatey, { kind: 'install', packages: [{ name: 'git' }, { name: 'nodejs', version: '20.11.1' }], refresh: false, dryRun: false }, M);
  const lines = s.split('\r\n');
  t.equal(lines[2], `$M = '${M}'`);
  t.ok(lines.includes("& 'choco' 'list' '--local-only' '--limit-output' 2>$null | Mark 'before'"));
  t.ok(lines.includes("& 'choco' 'list' '--local-only' '--limit-output' 2>$null | Mark 'after'"));
  t.ok(lines.includes('$goOn = @(0, 1641, 3010)'), 'Chocolatey\'s reboot codes do not stop the script');
  const calls = lines.filter((l) => l.startsWith('if ($rc -eq 0)'));
  t.equal(calls.length, 2, 'one call for the loose packages, one per pin');
  t.match(calls[1], "$global:LASTEXITCODE = $null; & 'choco' 'install' 'nodejs' '--version' '20.11.1' '-y' '--no-progress'; $ok = $?; $c = $global:LASTEXITCODE; if ($null -eq $c) { $c = if ($ok) { 0 } else { 127 } }");
  t.match(calls[1], '($goOn -notcontains $c) { $rc = $c }');
  t.same(lines.slice(-3), ['if ($rc -ne 0) { exit $rc }', 'exit $first', ''], 'the code that stopped it, else the first non-zero one');
  const dry = psScript(chocolatey, { kind: 'uninstall', names: ['git'], purge: false, dryRun: true }, M);
  t.notMatch(dry, "Mark 'after'", 'no after-query in a dry run');
});

t.test('refuses what cannot be passed safely, a sh manager and a bad marker', async (t) => {
  const m: PackageManager = { ...chocolatey, commands: () => [['choco', 'install', 'a"b']] };
  t.throws(() => psScript(m, { kind: 'install', packages: [{ name: 'x' }], refresh: false, dryRun: false }, M), /cannot be passed/);
  t.throws(() => psScript({ ...chocolatey, shell: 'sh' }, { kind: 'list', upgradable: false }, M));
  t.throws(() => psScript(chocolatey, { kind: 'list', upgradable: false }, "x'; exit"));
});
