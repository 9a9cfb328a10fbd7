// What the reporter's own words around the error say about where things ran and what they saw: the client's
// shell was a container's, a server log says which loopback it listens on, the other loopback works, the
// configuration names another port than the one dialled, a library fell back to its defaults, another
// protocol answered, ping works. Each is a flag (a Hint) for the rules; numbers go in a note.
import type { Draft, Pass } from '../draft.js';
import { isLoopback } from '../endpoint.js';
import { type Text, skippable } from '../needs.js';
import { MASKED_NOTE } from './unmask.js';

/** How the note that names the port the configuration gives begins (wrong-port reads it back). */
export const CONFIGURED_PORT_NOTE = 'the configuration in the paste says port ';

export const reporterContext: Pass = (d, ctx) => {
  const text = ctx.nearText;
  const add = (tag: string) => { if (!d.hints.includes(tag)) d.hints.push(tag); };
  const loopback = d.host !== null && isLoopback(d.host);

  // The root line as pasted: the clean lines have their Compose prefix ("worker-1  | ") stripped.
  if (clientInContainer(text, lineOf(ctx.clean, ctx.root.line), loopback)) add('client-in-container');

  // A timeout while reading the answer (nginx's "upstream timed out … while reading response header"): the
  // connection was made; a drop of the connect is not the story.
  if (d.kind === 'timeout' && text.test(READ_TIMEOUT)) add('awaiting-response');

  // A host typed over before pasting (10.0.36.X, ***, db.[MY_INSTANCE].example.com): the unmask pass took it out.
  if (d.host === null && d.notes.some((n) => n.startsWith(MASKED_NOTE))) add('host-masked');

  // A server's own log line: "listening on 127.0.0.1:8000", "Uvicorn running on http://127.0.0.1:8000".
  const listens = serverListensOn(text);
  if (listens) {
    const a = listens[1]!.toLowerCase().replace(/^\[|\]$/g, '');
    add('listens-loopback');
    if (a === '::1') add('listens-loopback-v6');
    else if (a.startsWith('127.')) add('listens-loopback-v4');
  }
  // "works as a plain process / in a virtualenv, fails once it runs in Docker": the server's bind address inside.
  if (text.test(WORKS_OUTSIDE_CONTAINER)) add('works-outside-container');

  // The server's port is published from a container (docker run -p, Compose ports:).
  if (text.test(PUBLISHED)) add('published-port');
  // The client is another machine than the server (a phone, another box on the LAN).
  if (text.test(FROM_ANOTHER_MACHINE)) add('from-another-machine');

  // The error names one loopback spelling, the reporter says another one works.
  if (loopback && otherLoopbackWorks(text, d)) add('other-loopback-works');

  // Docker / Compose port publishing ("5434:5432"), a DSN or a port setting with another port than the one dialled.
  if (d.port !== null && !d.portInferred) {
    const other = configuredPort(text, d.port, d.host, loopback);
    if (other) {
      add('other-port-configured');
      d.notes.push(`${CONFIGURED_PORT_NOTE}${other.port} (${other.where}); the error dialled ${d.port}`);
      if (other.published) add(other.published);
    }
  }

  // The library fell back to its own default endpoint: the setting the reporter made was never read.
  if (loopback && text.test(DEFAULT_FALLBACK)) add('default-endpoint');
  if (loopback && text.test(SETTING_IGNORED)) add('default-endpoint');
  // A base URL built from a variable that was not set: "undefined/api/users", "http://localhost:3000/undefined/api".
  if (text.test(URL_UNSET)) add('host-unset');

  // Another protocol answered on the port (a Redis client reading "HTTP/1.1 …", an HTTP parser choking).
  if (text.test(OTHER_PROTOCOL)) add('other-protocol');

  // "No route to host" while ping to the same host works: the host is up, a filter answers for the port.
  if (d.kind === 'unreachable' && text.test(PING_WORKS)) add('ping-works');
};

// ---- the client ran inside a container

// root@3f2a9c1b7e4d:/app#   · /app # (alpine) · bash-5.1# is too common outside containers to count.
const CONTAINER_PROMPT = skippable(/^\s*(?:[\w.-]{1,32}@)?[0-9a-f]{12}:[^\s]{0,80}[#$]|^\s*\/(?:app|usr\/src\/app|srv|code|var\/www(?:\/html)?)\s?#/m);
// Commands that run the client in a container: docker exec / run, compose exec / run, Sail, kubectl exec.
const CONTAINER_COMMAND = skippable(/\bdocker(?:-compose| compose)? exec\b|\bdocker run\b(?![^\n]{0,200}(?:\s-p\s?\d|--publish|\s-d\b))|\bdocker compose run\b|\bdocker-compose (?:exec|run)\b|\bsail (?:artisan|php|composer|npm|yarn|test)\b|\bkubectl exec\b|\boc exec\b|\bpodman (?:exec|run)\b/);
// The reporter says it: "the app container", "from inside the container", "running … as a docker container".
const CONTAINER_WORDS = skippable(/\b(?:app|api|web|backend|frontend|client|worker|application|node|php|python|django|flask|rails|laravel|spring|go|cli|gui)[ -](?:docker )?container\b|\b(?:from|in|inside|within) (?:the|a|my|our|another|its own|a separate|a second) (?:docker |app |application |client )?container\b|\bas a (?:docker )?container\b|\b(?:dockeri[sz]ed|containeri[sz]ed) (?:app|api|application|client|service)\b|\b(?:runs|running|is|installed) directly on the (?:docker )?(?:host|mac|machine|server|vm)\b|\bdocker image\)|\(docker image\)/i);
// A Compose log prefix on the error line itself: the client is that service.
const PREFIXED = /^\s*[A-Za-z0-9][\w.-]{0,40}\s{1,40}\| /;
// A Docker bridge address next to a loopback target: the reporter is looking from inside the Docker network.
const BRIDGE_ADDRESS = skippable(/\b172\.(?:1[7-9]|2\d|3[01])\.\d{1,3}\.\d{1,3}\b/);

function clientInContainer(text: Text, rootLine: string, loopback: boolean): boolean {
  if (!loopback) return false;
  if (text.test(CONTAINER_PROMPT) || text.test(CONTAINER_COMMAND) || text.test(CONTAINER_WORDS)) return true;
  if (PREFIXED.test(rootLine)) return true;
  return text.test(BRIDGE_ADDRESS);
}

/** The line of `text` at index n, as text.split('\n')[n] ?? '' gives it, without splitting all of it. */
function lineOf(text: string, n: number): string {
  let start = 0;
  for (let i = 0; i < n; i++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return '';
    start = nl + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? undefined : end);
}

// ---- a server says where it listens

/** The loopback address a server's own log or bind setting names, as a one-element match, or null. */
function serverListensOn(near: Text): [string, string] | null {
  const text = near.text;
  for (const re of [LISTENS_ON, BIND_SETTING]) {
    for (const m of near.matchAll(re)) {
      const start = text.lastIndexOf('\n', m.index) + 1;
      const line = text.slice(start, text.indexOf('\n', m.index) < 0 ? undefined : text.indexOf('\n', m.index));
      // A client's advice about where the server should be ("make sure … is running at localhost:5432",
      // libpq's "Is the server running on host …") is not the server saying where it is.
      if (CLIENT_ADVICE.test(line)) continue;
      return [m[0], m[1]!];
    }
  }
  return null;
}

const CLIENT_ADVICE = /make sure|Is the server running|accepting\s+TCP\/IP|could not connect|can't reach|cannot reach|refused|failed/i;

const LISTENS_ON = skippable(/\b(?:listening|listens|running|serving|bound|started|available|ready)(?: \(?[A-Za-z][\w.-]{0,20})?(?: at| on| to)?(?: http:\/\/| https:\/\/| tcp:\/\/)? ?['"]?(\[::1\]|::1|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost)(?::\d{1,5}|\b)/gi);
// A server's own bind setting: --bind 127.0.0.1:8000, bind 127.0.0.1, bind-address = 127.0.0.1, listen 127.0.0.1:9000, addr: 127.0.0.1:50251.
const BIND_SETTING = skippable(/(?:--bind[= ]|\bbind(?:-address|_address|Ip)?\s?[=:]?\s|\blisten(?:_addresses)?\s?[=:]?\s|\baddr:\s)['"]?(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[?::1\]?|localhost)\b/gi);
const WORKS_OUTSIDE_CONTAINER = skippable(/\b(?:works|passes|fine|ok)\b[^\n]{0,80}\b(?:plain process|virtualenv|venv|outside (?:of )?(?:docker|the container)|without docker|natively|on the host)\b[^\n]{0,80}\b(?:fails?|not|but)\b[^\n]{0,80}\b(?:docker|container)/i);

// ---- the other loopback works

const WORKS = skippable(/\b(?:works?|working|worked|fine|ok|connects?(?: fine)?|connected|succeeds?|loads?|answers?|reachable)\b/i);

function otherLoopbackWorks(near: Text, d: Draft): boolean {
  // Every line that counts holds a word of WORKS.
  if (!near.may(WORKS)) return false;
  const text = near.text;
  const host = d.host!.toLowerCase().replace(/^\[|\]$/g, '');
  const tried = new Set([host, ...d.addresses.map((a) => a.toLowerCase())]);
  for (const line of text.split('\n')) {
    if (!WORKS.test(line) || /\b(?:refused|failed|error|cannot|can't|unable)\b/i.test(line.replace(/failed: Connection refused\.?/i, ''))) {
      // "…::1|:9000... failed: Connection refused. and then connects fine on 127.0.0.1": the part after the failure.
      const after = /\b(?:then|but|while|whereas)\b(.{0,120})$/i.exec(line);
      if (!after || !WORKS.test(after[1]!)) continue;
      if (mentionsOtherLoopback(after[1]!, tried)) return true;
      continue;
    }
    if (mentionsOtherLoopback(line, tried)) return true;
  }
  return false;
}

function mentionsOtherLoopback(s: string, tried: Set<string>): boolean {
  for (const m of s.matchAll(/\blocalhost\b|\b127\.0\.0\.1\b|\[?::1\]?/gi)) {
    const spelled = m[0].toLowerCase().replace(/^\[|\]$/g, '');
    if (!tried.has(spelled)) return true;
  }
  return false;
}

// ---- another port in the configuration

interface Configured {
  port: number;
  where: string;
  /** 'dialled-container-port' (the client used the container side of a publish), 'dialled-published-port'. */
  published?: 'dialled-container-port' | 'dialled-published-port';
}

const PUBLISHED = skippable(/(?:\s-p\s?|--publish[ =])["']?(?:\d{1,3}(?:\.\d{1,3}){3}:)?\d{2,5}:\d{2,5}\b|^\s*ports:\s*(?:\[|$|-)|\bports:? ["']?\d{2,5}:\d{2,5}/m);
const FROM_ANOTHER_MACHINE = skippable(/\b(?:from|on) (?:my|the|a|an|our) (?:phone|tablet|ipad|iphone|android|other (?:machine|computer|pc|laptop|device|box|host)|lan)\b|\b(?:from|on) another (?:machine|computer|pc|laptop|device|box|host|server|vm)\b|\bother devices?\b|\bremote(?:ly)? (?:machine|client|host|server)s? (?:can(?:no|')t|fail)/i);
const PUBLISH = skippable(/(?:ports:\s*(?:-\s*)?|-p\s?|--publish[ =])["']?(?:\d{1,3}(?:\.\d{1,3}){3}:)?(\d{2,5}):(\d{2,5})\b|^\s*-\s*["']?(?:\d{1,3}(?:\.\d{1,3}){3}:)?(\d{2,5}):(\d{2,5})["']?\s*$|\bports\s*["']?(\d{2,5}):(\d{2,5})["']/gm);
const DSN_PORT = skippable(/\b[a-z][a-z0-9+]{1,15}:\/\/(?:[^\s@/'"`]{0,120}@)?([A-Za-z0-9.-]{1,120}|\[[0-9a-f:]{2,40}\]):(\d{2,5})\b/gi);

function configuredPort(near: Text, dialled: number, host: string | null, loopback: boolean): Configured | null {
  for (const m of near.matchAll(PUBLISH)) {
    const hostPort = Number(m[1] ?? m[3] ?? m[5]);
    const containerPort = Number(m[2] ?? m[4] ?? m[6]);
    if (hostPort === containerPort) continue;
    if (dialled === containerPort) return { port: hostPort, where: `published as ${hostPort}:${containerPort}`, published: 'dialled-container-port' };
    if (dialled === hostPort && loopback) return { port: containerPort, where: `published as ${hostPort}:${containerPort}`, published: 'dialled-published-port' };
  }
  // A connection string for the same host with another port than the one the error dialled.
  for (const m of near.matchAll(DSN_PORT)) {
    const port = Number(m[2]);
    const h = m[1]!.toLowerCase().replace(/^\[|\]$/g, '');
    // Two spellings of loopback count as one host, except in web URLs (a page's own address, a referrer).
    const web = /^(?:https?|wss?):/i.test(m[0]);
    const same = host !== null && (h === host.toLowerCase().replace(/^\[|\]$/g, '') || (!web && loopback && isLoopback(h)));
    if (same && port !== dialled && port > 0 && port < 65536) return { port, where: `in ${m[0].replace(/\/\/[^@\s]{0,120}@/, '//…@')}` };
  }
  return null;
}

// ---- a library fell back to its defaults

// Celery / kombu's built-in broker when none is configured; a *_URL that "is set" yet the client went to localhost.
const DEFAULT_FALLBACK = skippable(/\bamqp:\/\/guest(?::\*{0,8})?@(?:127\.0\.0\.1|localhost):5672\/\/|\b(?:there(?:'s| is) no|we don't (?:use|run)|not using|we use \w{2,12} as the) (?:rabbitmq|redis|amqp|broker)\b/i);
const SETTING_IGNORED = skippable(/\b[A-Z][A-Z0-9]{1,20}_(?:URL|HOST|URI|ADDR|DSN)\b[^\n]{0,60}\b(?:is set|are set|set on|is defined|configured|is configured|exported)\b|\b(?:works|worked) (?:fine )?locally\b[^\n]{0,80}\b(?:heroku|render|dokku|fly\.io|railway|vercel|deploy|production|server)\b|\bnot (?:passed|forwarded|available) (?:in|into|to) the container\b|\bwithout (?:its|the) [A-Z][A-Z0-9_]{2,30}\b/i);

const URL_UNSET = skippable(/(?:^|[\s'"`(/])(?:undefined|null|None|nil)\/(?:api|v\d{1,2}|graphql|auth|rest)\b|\b[a-z]{3,5}:\/\/(?:undefined|null)(?::\d{1,5})?\//);

// ---- another protocol answered

const OTHER_PROTOCOL = skippable(/Protocol error, got "[A-Z]" as reply type byte|HPE_INVALID_CONSTANT|Expected HTTP\/|received HTTP\/0\.9 when not allowed|HTTP\/0\.9 when not allowed|Received HTTP\/0\.9|invalid HTTP response|malformed HTTP response "\\x/i);

// ---- a timeout after the connection was made

const READ_TIMEOUT = skippable(/while reading (?:response header from )?upstream|upstream timed out \(110: [^)]{0,40}\) while reading|\bread timed? ?out\b|timeout (?:while )?reading|SocketTimeoutException(?!: connect)/i);

// ---- ping works

const PING_WORKS = skippable(/\b\d{1,4} bytes from [^\s:]{1,255}: icmp_seq|\bping(?:ing|s)? (?:works|is fine|succeeds|goes through|answers)|\bcan ping\b/i);
