// The second half of `npm run build`: the command as one file, compiled once. tsc writes dist/src/cli.js and
// the ~120 modules it imports; loading those one by one through Node's ES module loader, and compiling them at
// every start, cost the command more than Node's own start-up. Measured on the 2-core machine (issue #12,
// median of interleaved runs against `node` doing one connect): tsc's output 2.7×, one ES module 1.9×,
// one script with V8's code cache 1.7× (the same without whitespace, 1.66×), and that script run from a
// CommonJS loader rather than an ES module one, ~10 ms less again.
//
// So this writes:
// - dist/src/cli.bundle.cjs: src/cli.ts and everything it imports, as one CommonJS script (esbuild). Packages
//   (yaml and zod, needed only for --rules) are required from node_modules when first used.
// - dist/src/cli.cjs (the bin): a small CommonJS loader that compiles the script with vm.Script and V8's code
//   cache (dist/src/cli.bundle.cjs.cache), so the functions a run needs are not parsed and compiled again.
//   Node 22 has module.enableCompileCache() for this; Node 20, which this project supports, does not.
// - dist/src/cli.js, over tsc's: the same command as an ES module, through cli.cjs, so `node dist/src/cli.js`
//   and code that imports it keep working.
// The cache is made here from one run, and remade by the command itself when V8 rejects it (another Node
// version) and the folder is writable; a missing or unusable cache only costs the compile. Everything else in
// dist/ (the bot, the tests, the bench) stays as tsc wrote it.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Where dist/ is; another folder may be named to try a build without touching the real one.
const dist = process.argv[2] ? resolve(process.argv[2]) : join(root, 'dist');
const out = join(dist, 'src');
const script = join(out, 'cli.bundle.cjs');

// Every cache of the last build, the plain one and those made under other Node options (see cacheFileFor below).
for (const name of existsSync(out) ? readdirSync(out) : []) {
  if (name.startsWith('cli.bundle.cjs.') && name.endsWith('.cache')) rmSync(join(out, name), { force: true });
}
rmSync(join(out, 'chunks'), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/cli.ts'],
  outfile: script,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  // The script runs inside the loader's function; import.meta.url is the loader's (the bin's) own URL, so
  // cli.ts still knows it was run as the command and finds package.json two folders up.
  define: { 'import.meta.url': '__entryUrl' },
  sourcemap: 'linked',
  legalComments: 'none',
  // Less to read, hash and compile at every start; names stay, so a stack trace still reads.
  minifyWhitespace: true,
  logLevel: 'warning',
});
// vm.Script reads a script, not a file to execute: no #! line.
writeFileSync(script, readFileSync(script, 'utf8').replace(/^#!.*\n/, '\n'));

// The loader, as CommonJS: Node runs a .cjs bin without its ES module loader, which costs a start of its own
// (~10 ms here). load() takes the URL the command is run by: cli.ts compares it with process.argv[1] to know it
// was run as the command, not imported, and finds package.json next to it.
const loaderCjs = `#!/usr/bin/env node
// The refused command (package.json "bin"). Written by scripts/bundle-cli.mjs: it runs cli.bundle.cjs (the whole
// command, one script) compiled with V8's code cache when there is a usable one, and remakes the cache when there
// is not. cli.js does the same for \`node dist/src/cli.js\` and for code that imports the command.
'use strict';
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname } = require('node:path');
const { Script } = require('node:vm');

// V8 rejects a cache made under other V8 flags: NODE_OPTIONS=--max-old-space-size=4096 is enough. A rejected
// cache is made again at exit, so one shared file would be remade at every run by whichever way of starting the
// command came last, and neither would ever load it. Plain \`node\` (no flags, as the bin runs) uses
// cli.bundle.cjs.cache; any other set of Node options has a file of its own, named by a hash of them.
function cacheFileFor(file) {
  const flags = [...process.execArgv, process.env.NODE_OPTIONS || ''].join(' ').trim();
  if (flags === '') return \`\${file}.cache\`;
  let h = 0x811c9dc5; // FNV-1a, 32 bits: a name, not a secret
  for (let i = 0; i < flags.length; i++) h = Math.imul(h ^ flags.charCodeAt(i), 0x01000193) >>> 0;
  return \`\${file}.\${h.toString(16).padStart(8, '0')}.cache\`;
}

function load(entryUrl) {
  const file = require.resolve('./cli.bundle.cjs');
  const cacheFile = cacheFileFor(file);
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // none yet: compiled from the source, and the cache is written at exit
  }
  const source = \`(function (exports, require, module, __filename, __dirname, __entryUrl) {\${readFileSync(file, 'utf8')}\\n})\`;
  const script = new Script(source, { filename: file, cachedData });
  const mod = { exports: {} };
  script.runInThisContext().call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file), entryUrl);
  if (cachedData === undefined || script.cachedDataRejected === true) {
    // After the run, so the cache holds every function this run compiled. Written aside, then renamed: two
    // commands finishing at once never leave half a file. A folder we may not write to keeps no cache.
    process.once('beforeExit', () => {
      try {
        const tmp = \`\${cacheFile}.\${process.pid}\`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
      } catch {
        // read-only install: every run compiles, nothing else changes
      }
    });
  }
  return mod.exports;
}

module.exports = { load };
if (require.main === module) load(require('node:url').pathToFileURL(__filename).href);
`;
writeFileSync(join(out, 'cli.cjs'), loaderCjs);
chmodSync(join(out, 'cli.cjs'), 0o755);

// Over tsc's dist/src/cli.js: the same command as an ES module, for \`node dist/src/cli.js\` and for imports of it.
const loaderEsm = `#!/usr/bin/env node
// The refused command, as an ES module. Written by scripts/bundle-cli.mjs: it runs the command through cli.cjs
// (the bin, which starts faster), telling it this file's URL.
import { createRequire } from 'node:module';

export const { main, exitCode, readStdin, EXIT } = createRequire(import.meta.url)('./cli.cjs').load(import.meta.url);
`;
writeFileSync(join(out, 'cli.js'), loaderEsm);
chmodSync(join(out, 'cli.js'), 0o755);
rmSync(join(out, 'cli.js.map'), { force: true });

// The cache, from one run on a pasted error that names a closed port on this machine's loopback: parse, the
// look at this machine, plan, the probes (refused at once), rules and text, so the functions the usual
// `refused <host> <port>` needs are in it as well as the parser's. The port is one this process just bound and
// let go. Exit 1 is its answer (a connection error was found and the port refused); 0 would mean another process
// took the port meanwhile; anything else means the command itself is broken.
const closed = await new Promise((resolve, reject) => {
  const server = createServer();
  server.once('error', reject);
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});
// Without NODE_OPTIONS, so the run makes the plain cache, the one the bin loads.
const { NODE_OPTIONS: _ignored, ...warmEnv } = process.env;
const warm = spawnSync(process.execPath, [join(out, 'cli.cjs'), '-'], {
  env: warmEnv,
  input: `Error: connect ECONNREFUSED 127.0.0.1:${closed}\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)\n`,
  stdio: ['pipe', 'ignore', 'inherit'],
  timeout: 60_000,
});
if ((warm.status !== 1 && warm.status !== 0) || !existsSync(`${script}.cache`)) {
  console.error(`bundle-cli: the bundled command did not run as expected (exit ${warm.status ?? warm.signal})`);
  process.exit(1);
}
