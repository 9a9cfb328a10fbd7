// Small pieces the parser's modules share: a character test by code (for loops that walk a line without a regex)
// and the escaping that makes a literal (a host name, a word) safe to put inside a regex.

/** Whether a UTF-16 code is an ASCII digit. */
export const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;

/** `s` with every character a regex gives a meaning escaped, so new RegExp(escapeRegExp(s)) matches s itself. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
