/**
 * Whether a text can be a git ref name (a branch or tag, or a commit id): the rules of `git check-ref-format`
 * (git's Documentation/git-check-ref-format.txt) that a CI/CD tool applies before it runs a pipeline on a
 * ref, so a deploy plugin refuses a bad version at submit (a 400) instead of sending it.
 */

/** Why `ref` is not a git ref name, as a clause (`it holds '..'`), or undefined when it is one. */
export function gitRefProblem(ref: string): string | undefined {
  if (ref === '') return 'it is empty';
  if (/[\x00-\x20\x7f]/.test(ref)) return 'it holds a space or a control character';
  if (/[~^:?*[\\]/.test(ref)) return 'it holds one of ~ ^ : ? * [ \\';
  if (ref.includes('..')) return "it holds '..'";
  if (ref === '@' || ref.includes('@{')) return "it is '@' or holds '@{'";
  if (ref.startsWith('-')) return "it starts with '-'";
  if (ref.startsWith('/') || ref.endsWith('/') || ref.includes('//')) return "it starts or ends with '/', or holds '//'";
  if (ref.endsWith('.')) return "it ends with '.'";
  for (const part of ref.split('/')) {
    if (part.startsWith('.')) return `its component '${part}' starts with "."`;
    if (part.endsWith('.lock')) return `its component '${part}' ends with ".lock"`;
  }
  return undefined;
}
