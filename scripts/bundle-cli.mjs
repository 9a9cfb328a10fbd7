// The second half of `npm run build`: the command as one file. tsc writes dist/src/cli.js and the ~120 modules
// it imports; loading those one by one through Node's ES module loader cost the command 60–90 ms at every start.
// esbuild puts them into one file written over dist/src/cli.js (the bin), so `refused` starts from a single
// module; the rest of dist/ (the bot, the tests, the bench) stays as tsc wrote it.
//
// Two details keep the start short:
// - Node's own modules are loaded with require() (createRequire), not `import`: an `import` of a builtin
//   builds an ES module facade that reads every export, which for node:fs loads its stream classes.
// - What only some runs need stays out of the file: packages (yaml and zod, for --rules) are loaded from
//   node_modules, and a dynamic import() becomes a chunk under dist/src/chunks/, loaded only when reached.
import { chmodSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Where dist/ is; another folder may be named to try a build without touching the real one.
const dist = process.argv[2] ? resolve(process.argv[2]) : join(root, 'dist');

/** `import … from 'node:x'` → a CommonJS stub that requires it; esbuild's interop reads the named exports. */
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => (args.kind === 'import-statement' ? { path: args.path, namespace: 'node-builtin' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'node-builtin' }, (args) => ({ contents: `module.exports = __nodeRequire(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

rmSync(join(dist, 'src', 'chunks'), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/cli.ts'],
  outdir: join(dist, 'src'),
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  plugins: [builtinsByRequire],
  banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst __nodeRequire = __createRequire(import.meta.url);" },
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
// The bin, runnable as ./dist/src/cli.js too.
chmodSync(join(dist, 'src', 'cli.js'), 0o755);
