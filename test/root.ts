// Where the project's files are, whether a test runs from the source tree (tsx) or compiled in dist/test/:
// the project root is the nearest ancestor with a package.json; fixtures and sources are read from there.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  for (let i = 0; i < 10; i += 1) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error(`no package.json above ${start}`);
}

export const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** True when the tests run compiled (dist/test/…), false under tsx. */
export const COMPILED = import.meta.url.endsWith('.js');

/** The module that the tests should import for a source file: src/x.ts, or dist/src/x.js when compiled. */
export function moduleFor(sourceRelative: string): string {
  return COMPILED ? join(ROOT, 'dist', sourceRelative.replace(/\.ts$/, '.js')) : join(ROOT, sourceRelative);
}

/** The paste fixtures, which stay in the source tree. */
export const PASTES = join(ROOT, 'test', 'fixtures', 'pastes');
