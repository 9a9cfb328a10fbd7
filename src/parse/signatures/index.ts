// The signature table: every row, in one explicit order. Rows that match the same line are read heaviest
// first, and between rows of equal weight this order decides (which row names the kind, the endpoint, the
// client). So a runtime's or a tool's own rows come before the shapes anyone prints, and generic rows come last.
//
// The order of the groups is not alphabetical, and a few places in it are load-bearing; each says why in its
// file's header:
//   PYTHON, MYSQL, PYTHON_SSL — PyMySQL quotes an ssl error inside its own message; the MySQL row decides.
//   DART before DOTNET        — Dart on Windows prints Winsock's "actively refused it" inside its OS Error.
//   DOCKER before SOCKETS     — the docker CLI quotes Go's "dial unix …"; the Docker row names that line's client.
// To add a row, add it to the file of the runtime or tool that prints it, next to its neighbours, and give it
// a fixture (or, for coverage only, a sample in test/parse/signature-samples.ts). test/parse/signature-order.test.ts
// pins the load-bearing places.
import { APPLE } from './apple.js';
import { BROWSER } from './browser.js';
import { CLI } from './cli.js';
import { CURL } from './curl.js';
import { DART } from './dart.js';
import { DOCKER } from './docker.js';
import { DOTNET } from './dotnet.js';
import { ERLANG } from './erlang.js';
import { GENERIC } from './generic.js';
import { GO } from './go.js';
import { GRPC } from './grpc.js';
import { JVM } from './jvm.js';
import { KAFKA } from './kafka.js';
import { LIBPQ } from './libpq.js';
import { MYSQL } from './mysql.js';
import { NEGATIVES } from './negatives.js';
import { NODE } from './node.js';
import { PHP } from './php.js';
import { PROXIES } from './proxies.js';
import { PYTHON, PYTHON_SSL } from './python.js';
import type { Signature } from './row.js';
import { RUBY } from './ruby.js';
import { RUST } from './rust.js';
import { SOCKETS } from './sockets.js';
import { SSH } from './ssh.js';
import { WGET } from './wget.js';

export type { Extract, Signature } from './row.js';

export const SIGNATURES: readonly Signature[] = [
  // runtimes and their libraries
  ...NODE,
  ...PYTHON,
  ...MYSQL,
  ...PYTHON_SSL,
  ...LIBPQ,
  ...KAFKA,
  ...JVM,
  ...GO,
  ...GRPC,
  ...RUST,
  ...RUBY,
  ...PHP,
  ...DART,
  ...DOTNET,
  // command-line tools
  ...CURL,
  ...WGET,
  ...SSH,
  ...CLI,
  ...DOCKER,
  // gateways, browsers, Erlang, sockets, Apple: after the tools, as they have always been
  ...PROXIES,
  ...BROWSER,
  ...ERLANG,
  ...SOCKETS,
  ...APPLE,
  // not a failed connection, then the words any runtime prints
  ...NEGATIVES,
  ...GENERIC,
];
