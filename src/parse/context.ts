// What the rest of a paste says around the error line: which client and runtime printed it, and
// where the target is written when the error line itself names no host (code, commands, env, URLs).
import type { Endpoint, Os, Runtime, Service } from '../domain/types.js';
import { cleanHost, isIp, isLoopback, parsePort, parseUrl, plausibleHost, splitHostPort } from './endpoint.js';
import { type Text, skippable } from './needs.js';
import { endpointIn, isDocUrl, URL_G } from './patterns.js';
import { composeServiceOf } from './normalize.js';
import { schemeInfo, serviceForPort } from './services.js';

export interface ClientRule {
  re: RegExp;
  client: string;
  runtime: Runtime | null;
  service: Service | null;
}

// Ordered from the most telling to the least: a tool's own wording first, then drivers before the
// generic HTTP stacks they sit on (requests before urllib3, psycopg2 before sqlalchemy).
const CLIENT_RULES: ClientRule[] = [
  { re: /GuzzleHttp|cURL error \d{1,3}:/, client: 'guzzle', runtime: 'php', service: 'http' },
  { re: /The connection to the server \S{1,300} was refused|\bkubectl\b|memcache\.go:\d{1,6}\]|server API group list/, client: 'kubectl', runtime: 'cli', service: 'kubernetes-api' },
  { re: /Kubernetes cluster unreachable|\bhelm (?:install|upgrade|list|ls|repo)\b/, client: 'helm', runtime: 'cli', service: 'kubernetes-api' },
  { re: /the Docker daemon|pipe\/docker_engine|docker\/transport\/unixconn|Error while fetching server API version|^\$?\s?docker(?:-compose| compose)? (?:run|ps|build|pull|exec|images|info|version)\b/m, client: 'docker', runtime: 'cli', service: 'docker' },
  { re: /^\s{0,4}psql: |^\$?\s?psql\s/m, client: 'psql', runtime: 'cli', service: 'postgres' },
  { re: /^\s{0,4}ERROR 200[0-9] \(HY000\)|^\$?\s?mysql\s+-/m, client: 'mysql', runtime: 'cli', service: 'mysql' },
  { re: /Could not connect to Redis at|^\$?\s?redis-cli\b/m, client: 'redis-cli', runtime: 'cli', service: 'redis' },
  { re: /while connecting to upstream|host not found in upstream|no live upstreams/, client: 'nginx', runtime: 'other', service: null },
  { re: /upstream connect error or disconnect\/reset before headers/, client: 'envoy', runtime: 'other', service: null },
  // PHP
  { re: /Predis\\/, client: 'predis', runtime: 'php', service: 'redis' },
  { re: /RedisException/, client: 'phpredis', runtime: 'php', service: 'redis' },
  { re: /PDOException|SQLSTATE\[/, client: 'pdo', runtime: 'php', service: null },
  { re: /mysqli/, client: 'mysqli', runtime: 'php', service: 'mysql' },
  // .NET
  { re: /Npgsql/, client: 'npgsql', runtime: 'dotnet', service: 'postgres' },
  { re: /StackExchange\.Redis|UnableToConnect on/, client: 'stackexchange.redis', runtime: 'dotnet', service: 'redis' },
  { re: /MySqlConnector|MySql\.Data/, client: 'mysqlconnector', runtime: 'dotnet', service: 'mysql' },
  { re: /Grpc\.Core|Grpc\.Net/, client: 'grpc', runtime: 'dotnet', service: 'grpc' },
  { re: /System\.Data\.SqlClient|Microsoft\.Data\.SqlClient|\bSqlException\b/, client: 'sqlclient', runtime: 'dotnet', service: null },
  { re: /System\.Net\.Http|HttpClient\b.{0,40}System\./, client: 'httpclient', runtime: 'dotnet', service: 'http' },
  // JVM
  { re: /org\.apache\.kafka|o\.a\.k\.c\.|\[(?:Consumer|Producer|AdminClient) clientId=|Connection to node -?\d{1,10}\b/, client: 'kafka-clients', runtime: 'java', service: 'kafka' },
  { re: /PSQLException|org\.postgresql|jdbc:postgresql/, client: 'jdbc', runtime: 'java', service: 'postgres' },
  { re: /com\.mysql|jdbc:mysql|jdbc:mariadb|CommunicationsException/, client: 'jdbc', runtime: 'java', service: 'mysql' },
  { re: /org\.springframework\.amqp|AmqpConnectException|com\.rabbitmq\.client/, client: 'rabbitmq-java', runtime: 'java', service: 'amqp' },
  { re: /io\.lettuce/, client: 'lettuce', runtime: 'java', service: 'redis' },
  { re: /redis\.clients\.jedis/, client: 'jedis', runtime: 'java', service: 'redis' },
  { re: /com\.mongodb/, client: 'mongodb-java', runtime: 'java', service: 'mongodb' },
  { re: /io\.grpc/, client: 'grpc', runtime: 'java', service: 'grpc' },
  { re: /okhttp3/, client: 'okhttp', runtime: 'java', service: 'http' },
  { re: /org\.springframework\.web\.(?:client|reactive)|RestTemplate|WebClientRequestException|I\/O error on [A-Z]{3,7} request/, client: 'spring', runtime: 'java', service: 'http' },
  { re: /org\.apache\.http|HttpHostConnectException/, client: 'httpclient', runtime: 'java', service: 'http' },
  { re: /HikariPool|com\.zaxxer\.hikari/, client: 'hikari', runtime: 'java', service: null },
  { re: /io\.netty/, client: 'netty', runtime: 'java', service: null },
  // Python
  { re: /psycopg2/, client: 'psycopg2', runtime: 'python', service: 'postgres' },
  { re: /\bpsycopg\b/, client: 'psycopg', runtime: 'python', service: 'postgres' },
  { re: /asyncpg/, client: 'asyncpg', runtime: 'python', service: 'postgres' },
  { re: /pymysql/i, client: 'pymysql', runtime: 'python', service: 'mysql' },
  { re: /MySQLdb|_mysql_exceptions|mysql\.connector/, client: 'mysqlclient', runtime: 'python', service: 'mysql' },
  { re: /pymongo|\bmotor\b/, client: 'pymongo', runtime: 'python', service: 'mongodb' },
  { re: /kafka\.errors|NoBrokersAvailable|aiokafka|kafka-python/, client: 'kafka-python', runtime: 'python', service: 'kafka' },
  { re: /redis\.exceptions|(?:site|dist)-packages[/\\]redis[/\\]|redis\.asyncio|aioredis/, client: 'redis-py', runtime: 'python', service: 'redis' },
  { re: /\bpika\b/, client: 'pika', runtime: 'python', service: 'amqp' },
  { re: /amqp\/transport\.py|aio_pika|aiormq/, client: 'py-amqp', runtime: 'python', service: 'amqp' },
  { re: /kombu|celery/i, client: 'kombu', runtime: 'python', service: null },
  { re: /grpc\._channel|_InactiveRpcError|_MultiThreadedRendezvous/, client: 'grpc', runtime: 'python', service: 'grpc' },
  { re: /aiohttp/, client: 'aiohttp', runtime: 'python', service: 'http' },
  { re: /httpx|httpcore/, client: 'httpx', runtime: 'python', service: 'http' },
  { re: /requests\.exceptions|requests\/(?:adapters|sessions|api)\.py|\brequests\.(?:get|post|put|delete|head|request|Session)\(/, client: 'requests', runtime: 'python', service: 'http' },
  { re: /urllib3/, client: 'urllib3', runtime: 'python', service: 'http' },
  { re: /sqlalchemy/i, client: 'sqlalchemy', runtime: 'python', service: null },
  { re: /urllib\.error|urlopen error/, client: 'urllib', runtime: 'python', service: 'http' },
  // Ruby
  { re: /PG::ConnectionBad/, client: 'pg', runtime: 'ruby', service: 'postgres' },
  { re: /ActiveRecord::|Sequel::DatabaseConnectionError/, client: 'activerecord', runtime: 'ruby', service: null },
  { re: /Redis::CannotConnectError|Error connecting to Redis on/, client: 'redis-rb', runtime: 'ruby', service: 'redis' },
  { re: /Mysql2::Error/, client: 'mysql2', runtime: 'ruby', service: 'mysql' },
  { re: /Faraday::ConnectionFailed/, client: 'faraday', runtime: 'ruby', service: 'http' },
  { re: /net\/http\.rb|Net::OpenTimeout|Failed to open TCP connection/, client: 'net/http', runtime: 'ruby', service: 'http' },
  // Go
  { re: /pgconn|\bpgx\b|failed to connect to host=/, client: 'pgx', runtime: 'go', service: 'postgres' },
  { re: /lib\/pq|\bpq: /, client: 'lib/pq', runtime: 'go', service: 'postgres' },
  { re: /rpc error: code = Unavailable|transport: Error while dialing/, client: 'grpc', runtime: 'go', service: 'grpc' },
  { re: /sarama|client has run out of available brokers/, client: 'sarama', runtime: 'go', service: 'kafka' },
  { re: /go-redis|redis: connection pool/, client: 'go-redis', runtime: 'go', service: 'redis' },
  { re: /\b(?:Get|Post|Put|Delete|Head|Patch) \\?"https?:\/\/[^"\s\\]{1,1000}\\?": /, client: 'net/http', runtime: 'go', service: 'http' },
  // Rust
  { re: /\breqwest\b/, client: 'reqwest', runtime: 'rust', service: 'http' },
  { re: /\bsqlx\b/, client: 'sqlx', runtime: 'rust', service: null },
  { re: /tokio[-_]postgres/, client: 'tokio-postgres', runtime: 'rust', service: 'postgres' },
  { re: /\btonic\b/, client: 'grpc', runtime: 'rust', service: 'grpc' },
  { re: /\bhyper(?:::|_util|\b)/, client: 'hyper', runtime: 'rust', service: 'http' },
  // Erlang / Elixir
  { re: /Postgrex|DBConnection\.ConnectionError/, client: 'postgrex', runtime: 'other', service: 'postgres' },
  { re: /MyXQL/, client: 'myxql', runtime: 'other', service: 'mysql' },
  { re: /Mint\.TransportError|Finch|HTTPoison/, client: 'mint', runtime: 'other', service: 'http' },
  // Node
  { re: /Mongoose\w{0,40}Error|\bmongoose\b/, client: 'mongoose', runtime: 'node', service: 'mongodb' },
  { re: /MongoServerSelectionError|MongoNetworkError|MongoTopologyClosedError/, client: 'mongodb', runtime: 'node', service: 'mongodb' },
  { re: /ioredis/, client: 'ioredis', runtime: 'node', service: 'redis' },
  { re: /@redis\/client|node-redis/, client: 'node-redis', runtime: 'node', service: 'redis' },
  { re: /PrismaClient|\bprisma\b|\bP1001\b/i, client: 'prisma', runtime: 'node', service: null },
  { re: /Sequelize\w{0,40}Error|\bsequelize\b/i, client: 'sequelize', runtime: 'node', service: null },
  { re: /KafkaJS|kafkajs/, client: 'kafkajs', runtime: 'node', service: 'kafka' },
  { re: /@grpc\/grpc-js|\b14 UNAVAILABLE\b/, client: 'grpc', runtime: 'node', service: 'grpc' },
  { re: /pg-pool|node_modules[/\\]pg[/\\]|pg-protocol/, client: 'pg', runtime: 'node', service: 'postgres' },
  { re: /\bmysql2\b/, client: 'mysql2', runtime: 'node', service: 'mysql' },
  { re: /amqplib|amqp-connection-manager/, client: 'amqplib', runtime: 'node', service: 'amqp' },
  { re: /npm ERR!|npm error code/, client: 'npm', runtime: 'node', service: 'http' },
  { re: /AxiosError|\baxios\b/, client: 'axios', runtime: 'node', service: 'http' },
  { re: /FetchError|node-fetch/, client: 'node-fetch', runtime: 'node', service: 'http' },
  { re: /fetch failed|undici/, client: 'undici', runtime: 'node', service: 'http' },
  // Command-line tools whose names also appear in prose: checked after the libraries.
  { re: /fatal: unable to access '|^\$?\s?git (?:clone|fetch|pull|push)\b/m, client: 'git', runtime: 'cli', service: 'http' },
  { re: /curl: \(\d{1,3}\)|^\$?\s?curl\s|^\*\s{1,4}Trying \S{1,300}\.\.\./m, client: 'curl', runtime: 'cli', service: 'http' },
  { re: /^\s{0,4}wget: |^--\d{4}-\d\d-\d\d \d\d:\d\d:\d\d--\s|^\$?\s?wget\s/m, client: 'wget', runtime: 'cli', service: 'http' },
  { re: /^\s{0,4}ssh: |^\$?\s?ssh\s|kex_exchange_identification/m, client: 'ssh', runtime: 'cli', service: 'ssh' },
  { re: /^\s{0,4}nc: |^\$?\s?nc\s/m, client: 'nc', runtime: 'cli', service: null },
  { re: /^\s{0,4}telnet: |^\$?\s?telnet\s/m, client: 'telnet', runtime: 'cli', service: null },
  { re: /net::ERR_[A-Z_]{3,40}|refused to connect\./, client: 'browser', runtime: 'other', service: 'http' },
  { re: /failed to connect to all addresses|StatusCode\.UNAVAILABLE/, client: 'grpc', runtime: null, service: 'grpc' },
];

for (const r of CLIENT_RULES) skippable(r.re);

export function detectClient(text: Text): ClientRule | null {
  for (const r of CLIENT_RULES) if (text.test(r.re)) return r;
  return null;
}

const RUNTIME_MARKERS: [Runtime, RegExp][] = [
  ['php', /\.php(?::\d{1,6}|\(\d{1,6}\)| on line \d| line \d)|SQLSTATE\[|PHP (?:Fatal|Warning)|Illuminate\\|PDOException/],
  ['dotnet', /System\.Net\.|---> System\.|\.cs:line \d|\bat System\.|Microsoft\.\w/],
  ['java', /^\s{0,8}at [\w$.]{1,300}\([\w$]{1,120}\.(?:java|kt|scala):\d{1,6}\)|Caused by: [\w.$]{1,200}(?:Exception|Error)|\bjava\.(?:net|io|lang|util)\.|Exception in thread "/m],
  ['python', /Traceback \(most recent call last\)|File "[^"\n]{1,300}\.py", line \d|(?:site|dist)-packages[/\\]|\[Errno -?\d{1,5}\]/],
  ['ruby', /\.rb:\d{1,6}:in |Errno::E[A-Z]|\/gems\/|ActiveRecord::|PG::|Mysql2::/],
  ['rust', /thread '[^'\n]{1,60}' panicked|\(os error -?\d{1,5}\)|\.rs:\d{1,6}:\d{1,4}|Os \{ code:/],
  ['go', /goroutine \d{1,9} \[|\.go:\d{1,6}\b|\bdial (?:tcp|unix)/],
  ['node', /node:internal|node_modules[/\\]|\(node:\w{1,40}:\d{1,6}|TCPConnectWrap|processTicksAndRejections|UnhandledPromiseRejection|\.m?[jt]s:\d{1,6}:\d{1,4}\)/],
  ['cli', /^\s{0,4}(?:curl|wget|ssh|psql|nc|telnet): |^\$ /m],
];

for (const [, re] of RUNTIME_MARKERS) skippable(re);

export function detectRuntime(text: Text): Runtime | null {
  for (const [rt, re] of RUNTIME_MARKERS) if (text.test(re)) return rt;
  return null;
}

const WINDOWS = skippable(/actively refused|\bWinError\b|connectex:|[A-Z]:\\[\w$ .-]{1,100}\\|\\AppData\\|\.exe\b|WSAE[A-Z]{3,20}|0x0000274D/);
const MACOS = skippable(/\/Users\/[\w.-]{1,64}\/|\/opt\/homebrew\/|\bmacOS\b|\bDarwin\b|\/Library\/Frameworks\//);
const LINUX = skippable(/\/home\/[\w.-]{1,64}\/|\/usr\/lib\/python|\/etc\/nginx|\bUbuntu\b|\bDebian\b|\bAlpine\b|\/usr\/local\/lib\/python/);

/** The OS from paths and words, when no errno number told it. */
export function detectOs(text: Text): Os | null {
  if (text.test(WINDOWS)) return 'windows';
  if (text.test(MACOS)) return 'macos';
  if (text.test(LINUX)) return 'linux';
  return null;
}

// ---------------------------------------------------------------------------------------------------
// Endpoints written around the error.

export interface Candidate {
  host: string | null;
  port: number | null;
  portInferred: boolean;
  scheme: string | null;
  tls: boolean | null;
  unixSocket: string | null;
  /** Address literals written next to the name (Java's zk1/10.1.1.21:2181). */
  addresses?: string[];
  line: number;
  /** Lower is better: 1 code/commands, 2 env/config, 3 URL. */
  rank: number;
  source: string;
}

function cand(line: number, rank: number, source: string, host: string | null, port: number | null, extra: Partial<Candidate> = {}): Candidate | null {
  const h = host ? cleanHost(host) : null;
  if (h && !plausibleHost(h)) return null;
  return { host: h, port, portInferred: false, scheme: null, tls: null, unixSocket: null, line, rank, source, ...extra };
}

const HOST_KEYS = '(?:[A-Z][A-Z0-9]{0,20}_)?(?:DB|DATABASE|PG|POSTGRES(?:QL)?|MYSQL|MARIADB|REDIS|MONGO(?:DB)?|AMQP|RABBITMQ|RABBIT|BROKER|KAFKA|ES|ELASTIC(?:SEARCH)?|API|BACKEND|SERVER|SERVICE|UPSTREAM)';
const ENV_HOST = new RegExp(`\\b${HOST_KEYS}_?HOST(?:NAME)?\\s{0,4}[=:]\\s{0,4}['"]?([A-Za-z0-9_.:\\[\\]-]{1,255})`);
const ENV_PORT = new RegExp(`\\b${HOST_KEYS}_?PORT\\s{0,4}[=:]\\s{0,4}['"]?(\\d{1,5})\\b`);

// Lines that name the server the person is running or the page they were on, not the one that refused.
// (A dev server's banner, "➜  Local:   http://localhost:5173/", ends its label with a colon: no word boundary after it.)
const OWN_SERVER = /\b(?:Request URL|Referr?er|Origin|[Ll]istening on|[Rr]unning (?:at|on)|[Ss]tarted (?:at|on)|[Ss]erving (?:at|on)|[Aa]vailable (?:at|on)|Starting development server at|Server started|[Ss]tarting (?:\w{1,20} )?server (?:at|on))\b|\b(?:Local|Network|On Your Network):/;

/** Every place in the paste where a target is written, outside the error lines. */
export function contextCandidates(lines: string[]): Candidate[] {
  const out: Candidate[] = [];
  const push = (c: Candidate | null) => { if (c && out.length < 400) out.push(c); };
  let envHost: Candidate | null = null;
  let envPort: number | null = null;
  lines.forEach((line, i) => {
    if (line.length < 4) return;
    let m: RegExpExecArray | null;
    // Python: sock.connect(('localhost', 8080)) · socket.create_connection(("db", 5432))
    if ((m = /(?:connect|create_connection|open_connection)\(\(?\s{0,4}['"]([^'"\s]{1,255})['"]\s{0,4},\s{0,4}(\d{1,5})/.exec(line))) {
      push(cand(i, 1, 'code', m[1]!, parsePort(m[2])));
    }
    // kwargs: Redis(host='localhost', port=6379) · psycopg2.connect(host="db", port=5432, …)
    if ((m = /\bhost\s{0,2}=\s{0,2}['"]([^'"\s]{1,255})['"][^\n]{0,200}?\bport\s{0,2}=\s{0,2}['"]?(\d{1,5})/.exec(line))) {
      push(cand(i, 1, 'code', m[1]!, parsePort(m[2])));
    }
    // host= alone: pika.ConnectionParameters(host='rabbitmq') · MongoClient(host="mongo") — the port comes from the service.
    else if ((m = /\b(?:host|hostname)\s{0,2}=\s{0,2}['"]([A-Za-z0-9_.:[\]-]{1,255})['"]/.exec(line))) {
      push(cand(i, 1, 'code', m[1]!, null));
    }
    // gRPC channels: grpc.insecure_channel('localhost:50051') · grpc.Dial("localhost:50051")
    if ((m = /(?:insecure_channel|secure_channel|grpc\.Dial|grpc\.NewClient|forAddress)\(\s{0,4}['"]([^'"\s]{1,300})['"](?:\s{0,4},\s{0,4}(\d{1,5}))?/.exec(line))) {
      const hp = splitHostPort(m[1]!.replace(/^dns:\/{0,3}/, ''));
      if (hp) push(cand(i, 1, 'code', hp.host, hp.port ?? parsePort(m[2])));
    }
    // Java: new Socket("localhost", 8080)
    if ((m = /new Socket\(\s{0,4}"([^"\s]{1,255})"\s{0,4},\s{0,4}(\d{1,5})\)/.exec(line))) push(cand(i, 1, 'code', m[1]!, parsePort(m[2])));
    // Commands: telnet host port · nc -zv host port · psql -h host -p port · redis-cli -h host -p port · curl host:port
    if ((m = /^\s{0,4}\$?\s?(?:sudo )?(?:telnet|nc(?: -[a-zA-Z]{1,6}){0,3}) ([A-Za-z0-9_.:[\]-]{1,255}) (\d{1,5})\s*$/.exec(line))) {
      push(cand(i, 1, 'command', m[1]!, parsePort(m[2])));
    }
    if ((m = /(?:^\s{0,4}[`>]?\s?\$?\s?|[`:：]\s{0,2})(?:sudo )?(psql|redis-cli|mysql|mysqldump|mysqladmin|pg_isready|mongosh?)\s/.exec(line))) {
      const h = /\s(?:-h|--host(?:=|\s))\s?([A-Za-z0-9_.:[\]-]{1,255})/.exec(line);
      // mysql's -p is the password (-p123456); its port is -P.
      const p = m[1]!.startsWith('mysql')
        ? /\s(?:-P|--port(?:=|\s))\s?(\d{1,5})\b/.exec(line)
        : /\s(?:-p|-P|--port(?:=|\s))\s?(\d{1,5})\b/.exec(line);
      if (h) push(cand(i, 1, 'command', h[1]!, parsePort(p?.[1])));
      // redis-cli -p 18080 without -h: redis-cli's own default host.
      else if (m[1] === 'redis-cli' && p) push(cand(i, 1, 'command', '127.0.0.1', parsePort(p[1])));
    }
    // Any other command run with a target flag: ./loadgen --target 127.0.0.1 --port 9090 · mycli --host localhost --port 3307
    else if ((m = /^\s{0,4}[`>]?\s?\$\s?(?:sudo )?[\w./-]{1,60}\s[^\n]{0,300}?--(?:host|target|server|addr|address|endpoint)(?:=|\s)\s?([A-Za-z0-9_.:[\]-]{1,255})/.exec(line))) {
      const hp = splitHostPort(m[1]!);
      const p = /\s--port(?:=|\s)(\d{1,5})\b/.exec(line);
      if (hp) push(cand(i, 1, 'command', hp.host, hp.port ?? parsePort(p?.[1])));
    }
    // openssl s_client -connect host:443 [-servername …]
    if ((m = /\bs_client\b[^\n]{0,200}?\s-connect\s{1,4}([A-Za-z0-9_.[\]:-]{1,300}:\d{1,5})/.exec(line))) {
      const hp = splitHostPort(m[1]!);
      if (hp) push(cand(i, 1, 'command', hp.host, hp.port));
    }
    if ((m = /^\s{0,4}\$?\s?curl\b[^\n]{0,300}?\s([A-Za-z0-9_.-]{1,253}:\d{1,5})(?:\/\S{0,300})?\s*$/.exec(line))) {
      const hp = splitHostPort(m[1]!);
      if (hp) push(cand(i, 1, 'command', hp.host, hp.port));
    }
    // kombu: No hostname was supplied. Reverting to default 'localhost'
    if ((m = /Reverting to default '([^'\s]{1,255})'/.exec(line))) push(cand(i, 2, 'config', m[1]!, null));
    // Env / config files.
    if ((m = ENV_HOST.exec(line))) envHost ??= cand(i, 2, 'config', m[1]!, null);
    if ((m = ENV_PORT.exec(line))) envPort ??= parsePort(m[1]);
    if ((m = /\b(?:PGHOST|MYSQL_HOST|REDIS_HOST)\s{0,4}=\s{0,4}['"]?([A-Za-z0-9_.-]{1,255})/.exec(line))) envHost ??= cand(i, 2, 'config', m[1]!, null);
    // PDO DSN: mysql:host=127.0.0.1;port=3306;dbname=app · libpq keyword DSN: host=db port=5432
    if ((m = /\b(?:mysql|pgsql):[^\s'"]{0,200}?host=([^;\s'"]{1,255})/.exec(line))) {
      const p = /port=(\d{1,5})/.exec(line);
      push(cand(i, 2, 'config', m[1]!, parsePort(p?.[1])));
    }
    // ADO.NET connection strings: Server=sqlsrv01,1433; · Data Source=tcp:db.internal,1433 · Host=db;Port=5432 (Npgsql)
    if ((m = /(?:^|[;'"\s])(?:Server|Data Source|Address|Addr|Network Address|Host)\s{0,2}=\s{0,2}(?:tcp:)?([A-Za-z0-9_.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?:\\[A-Za-z0-9_$-]{1,64})?(?:,(\d{1,5}))?\s{0,2}(?:;|$)/i.exec(line))) {
      const port = m[2] ? parsePort(m[2]) : parsePort(/(?:^|;)\s{0,2}Port\s{0,2}=\s{0,2}(\d{1,5})\s{0,2}(?:;|$)/i.exec(line)?.[1]);
      // "Server=." is SQL Server's local default instance, reached over shared memory or a pipe, not TCP.
      if (m[1] !== '.') push(cand(i, 2, 'config', m[1]!.replace(/^\[|\]$/g, ''), port));
    }
    // Kafka: bootstrap.servers = [localhost:9092] · bootstrap_servers=['localhost:9092']
    if ((m = /bootstrap[._-]servers\s{0,4}[=:]\s{0,4}\[?\s{0,4}['"]?([^\s,'"\]]{1,300})/.exec(line))) {
      const hp = splitHostPort(m[1]!.replace(/^[A-Z_]{1,20}:\/\//, ''));
      if (hp) push(cand(i, 2, 'config', hp.host, hp.port));
    }
    // URLs (not links to documentation, and not the paster's own server announcing where it listens).
    // The announcement comes before the address it names ("Listening on http://…"); prose after a URL
    // ("… I have nothing running on that port") does not make the URL the paster's own server.
    const own = OWN_SERVER.exec(line);
    URL_G.lastIndex = 0;
    let n = 0;
    while ((m = URL_G.exec(line)) !== null && n++ < 8) {
      if (own && own.index < m.index) break;
      const raw = m[0].replace(/[.:]+$/, '');
      if (isDocUrl(raw)) continue;
      // An XML namespace (xmlns="http://www.example.org/schema") names a schema, not a server.
      if (/xmlns(?::[\w-]{1,30})?\s{0,2}=\s{0,2}["']?$/.test(line.slice(Math.max(0, m.index - 40), m.index))) continue;
      // A script's own location in a stack frame (File "https://app/x.js", line 202 · at f (https://app/x.js:12:34)).
      if (/\.(?:m?js|ts|jsx|tsx|py)(?::\d{1,7}){1,2}$/.test(raw) || /^['"]?,? line \d/.test(line.slice(m.index + m[0].length, m.index + m[0].length + 12))) continue;
      const u = parseUrl(raw);
      if (!u) continue;
      if (u.unixSocket) { push(cand(i, 3, 'url', null, null, { unixSocket: u.unixSocket, scheme: u.scheme })); continue; }
      if (!u.host) continue;
      push(cand(i, 3, 'url', u.host, u.port, { portInferred: u.portInferred, scheme: u.scheme, tls: u.tls }));
    }
    // jdbc:postgresql://… is one token for URL_G above only after "jdbc:"; take it here too.
    if ((m = /\bjdbc:([a-z]{2,20}:\/\/[^\s'"<>;]{1,500})/.exec(line))) {
      const u = parseUrl(m[1]!);
      if (u?.host) push(cand(i, 3, 'url', u.host, u.port, { portInferred: u.portInferred, scheme: u.scheme, tls: u.tls }));
    }
  });
  const eh = envHost as Candidate | null;
  if (eh) out.push({ ...eh, port: envPort });
  return out;
}

/** A Java class and line number (com.acme.Common.Request:225) written where a host:port could be. */
function javaFrame(line: string, host: string): boolean {
  const at = line.toLowerCase().indexOf(`${host}:`);
  if (at < 0) return false;
  return /^[a-z][\w$]*(?:\.[A-Za-z_$][\w$]*){1,20}\.[A-Z][a-z][\w$]*$/.test(line.slice(at, at + host.length));
}

/** Bare host:port tokens within a few lines of the error (ZooKeeper, Cassandra and others log the
 *  endpoint on the line before the exception). Ranked with URLs; a URL at the same distance wins. */
export function nearbyEndpoints(lines: string[], root: number, reach = 3): Candidate[] {
  const out: Candidate[] = [];
  for (let i = Math.max(0, root - reach); i <= Math.min(lines.length - 1, root + reach); i++) {
    if (OWN_SERVER.test(lines[i]!)) continue;
    const e = endpointIn(lines[i]!);
    // "t:94 h:0" in a log line is a field and its value, not a host and a port.
    if (e.host && e.port != null && !e.scheme && (e.host.length > 1 || isIp(e.host)) && !javaFrame(lines[i]!, e.host)) {
      const c = cand(i, 3, 'text near the error', e.host, e.port, { addresses: e.addresses ?? [] });
      if (c) out.push(c);
    }
  }
  return out;
}

/** Node prints the failed socket's fields on their own lines: address: '::1', port: 5432. */
export function nodeObjectFields(lines: string[], from: number): { address: string | null; port: number | null; hostname: string | null } {
  let address: string | null = null;
  let port: number | null = null;
  let hostname: string | null = null;
  // The object may open a few lines above the code that matched ({ "hostname": …, "code": "ENOTFOUND" }).
  const start = Math.max(0, from - 4);
  const end = Math.min(lines.length, from + 25);
  for (let i = start; i < end; i++) {
    const l = lines[i]!;
    let m: RegExpExecArray | null;
    if (!address && (m = /^\s{0,40}address: '([^'\s]{1,100})',?\s*$/.exec(l))) address = cleanHost(m[1]!);
    if (port === null && (m = /^\s{0,40}port: '?(\d{1,5})'?,?\s*$/.exec(l))) port = parsePort(m[1]);
    if (!hostname && (m = /^\s{0,40}(?:hostname|host): '([^'\s]{1,255})',?\s*$/.exec(l))) hostname = cleanHost(m[1]!);
    // The same object serialised as JSON, one field a line or all on one line.
    if (l.includes('":')) {
      if (!address && (m = /"address"\s{0,4}:\s{0,4}"([^"\s]{1,100})"/.exec(l))) address = cleanHost(m[1]!);
      if (port === null && (m = /"port"\s{0,4}:\s{0,4}"?(\d{1,5})\b/.exec(l))) port = parsePort(m[1]);
      if (!hostname && (m = /"(?:hostname|host)"\s{0,4}:\s{0,4}"([^"\s]{1,255})"/.exec(l))) hostname = cleanHost(m[1]!);
    }
  }
  return { address, port, hostname: hostname && plausibleHost(hostname) ? hostname : null };
}

/** Picks the candidate that best names the target for a given service, nearest the error. */
export function bestCandidate(cands: Candidate[], near: number, service: Service | null): Candidate | null {
  let best: Candidate | null = null;
  let bestScore = Infinity;
  for (const c of cands) {
    if (!c.host && !c.unixSocket) continue;
    let score = c.rank * 100000 + Math.abs(c.line - near);
    if (c.scheme) {
      const info = schemeInfo(c.scheme);
      // A URL of the service in question beats code and config; one of another service is not the target.
      if (service && info?.service === service) score -= 250000;
      else if (service && info && info.service !== service) continue;
    } else if (service && service !== 'http' && c.port !== null) {
      // A redis client did not fail on 5432: skip ports that belong to another (non-HTTP) service.
      const owner = serviceForPort(c.port);
      if (owner && owner !== 'http' && owner !== service) continue;
    }
    if (c.port === null) score += 50000;
    if (score < bestScore) {
      bestScore = score;
      best = c;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------------
// Proxies.

const PROXY_SETTINGS = [
  /Uses proxy env variable \w{1,20} == '([^'\s]{1,300})'/,
  /\b(?:https?_proxy|HTTPS?_PROXY|all_proxy|ALL_PROXY)\s{0,4}(?:=|:)\s{0,4}['"]?([^\s'"]{1,300})/,
  /proxies\s{0,4}=\s{0,4}\{[^}\n]{0,400}?['"]((?:https?|socks5h?):\/\/[^'"\s]{1,300})['"]/,
  /\s(?:--proxy|-x)\s{1,4}([^\s-][^\s]{0,300})/,
  /\bproxy\s{0,4}[=:]\s{0,4}['"]?((?:https?|socks5h?):\/\/[^\s'"]{1,300})/i,
  /\bConnected to ([A-Za-z0-9_.-]{1,253}) \([^)\s]{1,60}\) port (\d{1,5})[^\n]{0,40}\n[^\n]{0,200}CONNECT /,
].map(skippable);

/** The proxy a paste says was in use: env variables, curl -x, requests' proxies={…}, curl -v. */
export function proxyFromText(text: Text): Endpoint | null {
  for (const re of PROXY_SETTINGS) {
    const m = text.exec(re);
    if (!m) continue;
    if (m[2]) return { host: cleanHost(m[1]!), port: parsePort(m[2]) };
    const raw = /^[a-z][a-z0-9+.-]{1,20}:\/\//i.test(m[1]!) ? m[1]! : `http://${m[1]!}`;
    const u = parseUrl(raw);
    if (u?.host) return { host: u.host, port: u.port };
  }
  return null;
}

const TUNNEL_TO = skippable(/Establish HTTP proxy tunnel to ([^\s]{1,300})/);
const CONNECT_TO = skippable(/\bCONNECT ([A-Za-z0-9_.[\]:-]{1,300}:\d{1,5}) HTTP\/1\.[01]/);
const CURL_URL = skippable(/^\s{0,4}\$?\s?curl\b[^\n]{0,300}?\s['"]?(https?:\/\/[^\s'"]{1,1000})/m);

/** Where a proxied request was going: curl's CONNECT line, its tunnel line, or the curl URL. */
export function proxyDestination(text: Text): Endpoint | null {
  const m = text.exec(TUNNEL_TO) ?? text.exec(CONNECT_TO);
  if (m) {
    const hp = splitHostPort(m[1]!);
    if (hp) return { host: hp.host, port: hp.port };
  }
  const c = text.exec(CURL_URL);
  if (c) {
    const u = parseUrl(c[1]!);
    if (u?.host) return { host: u.host, port: u.port };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------
// Containers.

const COMPOSE_NAMES = new Set([
  'db', 'database', 'postgres', 'postgresql', 'pg', 'mysql', 'mariadb', 'redis', 'mongo', 'mongodb', 'rabbitmq', 'rabbit',
  'kafka', 'broker', 'zookeeper', 'elasticsearch', 'es', 'web', 'api', 'app', 'backend', 'frontend', 'minio', 'cache',
  'queue', 'worker', 'server', 'nginx', 'proxy', 'keycloak', 'memcached', 'grafana', 'prometheus',
]);

/** True when the paste shows the client runs in a container (or talks to a compose service name). */
export function looksInContainer(text: string, host: string | null): boolean {
  if (/\b127\.0\.0\.11\b|host\.docker\.internal|\/\.dockerenv|docker-compose|docker compose|\bcompose\.ya?ml\b/.test(text)) return true;
  if (/^[A-Za-z0-9][\w.-]{0,40}[_-]\d{1,3}\s{1,40}\|/m.test(text)) return true;
  // docker compose prefixes every line with the service name and a bar; three such lines are enough.
  const prefixed = text.match(/^[A-Za-z0-9][\w.-]{0,40}\s{1,40}\| /gm);
  if (prefixed && prefixed.length >= 3) return true;
  if (host && !host.includes('.') && !isIp(host) && !isLoopback(host) && COMPOSE_NAMES.has(host.toLowerCase())) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------------
// A server seen starting in the same paste: the client tried before it was ready.

// Lines servers print while they start or once they are ready, in each server's own log wording, with the
// service they belong to (null: a wait script, which names no server of its own).
const SERVER_STARTING: [RegExp, Service | null][] = [
  [/database system is ready to accept connections|PostgreSQL init process complete|the database system is starting up|starting PostgreSQL \d/, 'postgres'],
  [/\b(?:mysqld|mariadbd)(?:\.exe)?: ready for connections|MySQL init process done|MariaDB init process done|Entrypoint script for M(?:ySQL|ariaDB) Server [^\n]{0,40}started|Initializing database files/, 'mysql'],
  [/Ready to accept connections/, 'redis'],
  [/Waiting for connections/, 'mongodb'],
  [/Server startup complete/, 'amqp'],
  [/\[KafkaServer id=\d+\] started|Kafka Server started/, 'kafka'],
  [/wait-for-it(?:\.sh)?: waiting|\b[Ww]aiting for (?:the )?(?:db|database|postgres(?:ql)?|mysql|mariadb|redis|mongo(?:db)?|rabbitmq|kafka|broker)\b/, null],
];

/** How the facts' note that carries a start-up line begins (the service-starting rule reads it back). */
export const STARTING_NOTE = 'the paste shows the server starting up: ';

/**
 * The line of the paste that shows the target's server starting up (or just becoming ready), trimmed; null
 * when there is none. A startup line of another server counts only when its compose prefix names the host.
 */
export function serverStartingLine(text: string, service: Service | null, host: string | null): string | null {
  for (const [re, owner] of SERVER_STARTING) {
    const m = re.exec(text);
    if (!m) continue;
    const start = text.lastIndexOf('\n', m.index) + 1;
    const end = text.indexOf('\n', m.index);
    const line = text.slice(start, end < 0 ? undefined : end).trim();
    // "db_1  | …", "db-1  | …": the compose service that printed it.
    const prefix = composeServiceOf(line)?.toLowerCase() ?? null;
    const ours = owner === null || owner === service || (prefix !== null && host !== null && prefix === host.toLowerCase());
    if (ours) return line.length > 160 ? `${line.slice(0, 159)}…` : line;
  }
  return null;
}
