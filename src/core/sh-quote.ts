/** POSIX shell quoting, shared by everything that builds a command line for a target's shell. */

/** Single-quotes a word for sh: the result is always exactly one word, whatever it holds. */
export function shQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
