// Secrets in a paste never leave the bot: for every kind of secret the redactor knows, a paste holding it
// (next to a real connection error) goes through every Slack surface of the real bot, against the fake Slack
// on loopback: a message in a channel, /refused, the message shortcut, a Re-check click on each answer, the
// private fallbacks (chat.postEphemeral, response_url) and the Home tab. Then no Web API call, response_url
// post, ack, button value (decoded) or log line may hold any part of the secret.
// The audit log is checked on the way: a diagnosis line per diagnosis, a probe_batch line when probes ran,
// policy_refused for denied targets, rate_limited for a person over the limit.
//
// Only loopback traffic: the pastes name db.test, which the injected resolver maps to 127.0.0.1 (no DNS
// server is asked), the ports are closed ports on 127.0.0.1, and every connect is checked to be loopback.
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startBot } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { diagnose, type DiagnoseRequest } from '../../src/diagnose.js';
import type { Diagnosis } from '../../src/domain/types.js';
import { defaultDeps, type ProbeDeps } from '../../src/probes/index.js';
import { redact } from '../../src/parse/redact.js';
import { ACTION, SHORTCUT_DIAGNOSE } from '../../src/slack/ids.js';
import { memoryLog } from '../../src/slack/log.js';
import { FakeSlack, TEAM, type Posted } from '../slack/fake-slack.js';
import { closedPort, env, type Harness } from '../slack/harness.js';
import { ALNUM, fake, HEX } from './fake-secrets.js';

const HOST = 'db.test';

interface Kind {
  name: string;
  /** The paste: a real connection error and the line that holds the secret. */
  paste: (port: number) => string;
  /** What must not come out, in whole or in part (a prefix the redactor keeps on purpose is left out). */
  secrets: string[];
}

const JWT_HEADER = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9';
// Its subject has no digits: the button-value check compares 8-character parts with the base64 of values, and
// "…7741\"," in a subject met a value's "ch":"C741"," at one alignment.
const JWT_BODY = 'eyJzdWIiOiJqd3Qtc3ViamVjdC1xend4IiwiaWF0IjoxNzAwMDAwMDAwfQ';
// Random-looking, not the base64 of English words: the button-value check compares 8-character parts with
// base64 of the request's JSON, whose keys ("signature") would otherwise match at some alignments.
const JWT_SIG = 'Xq7vR2mKp9TzL4wYc8NbD3hJf6GsA1eUoQ5iVnZ0';

/** A key body as PEM writes it: 64 characters a line. */
const pemLines = (seed: number, length: number, lead: string) => `${lead}${fake(seed, length - lead.length)}`.match(/.{1,64}/g) ?? [];
const RSA_LINES = pemLines(101, 1100, 'MIIEow');
const SSH_LINES = pemLines(102, 500, 'b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1j');
const SA_LINES = pemLines(103, 1200, 'MIIEvgIBADANBgkqhkiG9w0BAQEFAASC');
const SA_KEY_ID = fake(104, 40, HEX);
const AZ_KEY = `${fake(105, 86)}==`;
const SB_KEY = `${fake(106, 43)}=`;
const SAS_SIG = `${fake(107, 43, ALNUM)}%3D`;
const STRIPE = [fake(108, 60, ALNUM), fake(109, 60, ALNUM), fake(110, 24, ALNUM)];
const TWILIO = [fake(111, 32, HEX), fake(112, 32, HEX)];
const SENDGRID = [fake(113, 22, `${ALNUM}_-`), fake(114, 43, `${ALNUM}_-`)];
const NPM = fake(115, 36, ALNUM);
const GOOGLE = fake(116, 35, `${ALNUM}_-`);
const AWS_PAIR = { id: 'AKIAR7XQ2MZP4KL9WT3E', secret: fake(117, 40) };
const SLACK_HOOK = fake(118, 24, ALNUM);

const curl = (p: number) => `curl: (7) Failed to connect to ${HOST} port ${p} after 0 ms: Connection refused`;
const pg = (p: number) => `psql: error: connection to server at "${HOST}", port ${p} failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?`;

const KINDS: Kind[] = [
  { name: 'postgres URL password', paste: (p) => `${pg(p)}\nusing postgres://app:PgPw7Hq2xK9vLm@${HOST}:${p}/app`, secrets: ['PgPw7Hq2xK9vLm'] },
  { name: 'redis URL password', paste: (p) => `Error: connect ECONNREFUSED ${HOST}:${p}\nREDIS_URL is redis://:RdPw4Tz8wQ1nBv@${HOST}:${p}/0`, secrets: ['RdPw4Tz8wQ1nBv'] },
  { name: 'amqp URL password', paste: (p) => `pika.exceptions.AMQPConnectionError: [Errno 111] Connection refused\nbroker amqp://guest:AmPw3Jk6sD0fGh@${HOST}:${p}/vhost`, secrets: ['AmPw3Jk6sD0fGh'] },
  { name: 'mongodb URL password', paste: (p) => `MongoNetworkError: connect ECONNREFUSED ${HOST}:${p}\nuri mongodb://root:MgPw5Yx2cV7bNm@${HOST}:${p}/admin?authSource=admin`, secrets: ['MgPw5Yx2cV7bNm'] },
  { name: 'proxy URL password', paste: (p) => `${curl(p)}\nhttps_proxy http://proxyuser:PxPw9Lk3Mn5Bq@${HOST}:${p}`, secrets: ['PxPw9Lk3Mn5Bq'] },
  { name: 'libpq DSN password', paste: (p) => `${pg(p)}\nconninfo: host=${HOST} port=${p} user=app password=LqPw8Rt3eW6yUi dbname=app sslmode=disable`, secrets: ['LqPw8Rt3eW6yUi'] },
  { name: 'JDBC ?password=', paste: (p) => `org.postgresql.util.PSQLException: Connection to ${HOST}:${p} refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.\nspring.datasource.url jdbc:postgresql://${HOST}:${p}/app?user=app&password=JdPw2Ko9lP4aSd&ssl=false`, secrets: ['JdPw2Ko9lP4aSd'] },
  { name: 'JDBC ;password=', paste: (p) => `com.microsoft.sqlserver.jdbc.SQLServerException: The TCP/IP connection to the host ${HOST}, port ${p} has failed. Error: "Connection refused."\nurl jdbc:sqlserver://${HOST}:${p};databaseName=app;user=sa;password=MsPw6Vb1Nq8Zx;encrypt=false`, secrets: ['MsPw6Vb1Nq8Zx'] },
  { name: 'Authorization: Basic', paste: (p) => `$ curl -H 'Authorization: Basic YXBwOkJhc2ljUHc5WmM0TXg=' http://${HOST}:${p}/health\n${curl(p)}`, secrets: ['YXBwOkJhc2ljUHc5WmM0TXg'] },
  { name: 'Authorization: Bearer', paste: (p) => `$ curl -H "Authorization: Bearer BrTk9Xc2Vb7Nm4Qw1Er5Ty8" http://${HOST}:${p}/v1/items\n${curl(p)}`, secrets: ['BrTk9Xc2Vb7Nm4Qw1Er5Ty8'] },
  { name: 'Authorization header line', paste: (p) => `${curl(p)}\nAuthorization: Bearer HdTk2Zx4Cv6Bn8Mq0Wl`, secrets: ['HdTk2Zx4Cv6Bn8Mq0Wl'] },
  { name: 'Authorization in a Python dict', paste: (p) => `requests.exceptions.ConnectionError: HTTPConnectionPool(host='${HOST}', port=${p}): Max retries exceeded with url: /v1 (Caused by NewConnectionError('Failed to establish a new connection: [Errno 111] Connection refused'))\nheaders={'Authorization': 'Bearer PyTk4Hs8Jd2Kf6Lg0Zm3'}`, secrets: ['PyTk4Hs8Jd2Kf6Lg0Zm3'] },
  { name: 'bare Bearer token', paste: (p) => `${curl(p)}\nBearer BareTk7Wq3Er9Ty1Ui5Op`, secrets: ['BareTk7Wq3Er9Ty1Ui5Op'] },
  { name: 'Proxy-Authorization', paste: (p) => `> CONNECT ${HOST}:${p} HTTP/1.1\n> Proxy-Authorization: Basic UHhBdXRoOlByb3h5UHc3S2o=\n${curl(p)}`, secrets: ['UHhBdXRoOlByb3h5UHc3S2o'] },
  { name: 'Slack bot token (xoxb)', paste: (p) => `${curl(p)}\nxoxb-5550001111-7770002222-SlBotQw8Kp2Nv4Xm6Op is the bot token`, secrets: ['5550001111-7770002222-SlBotQw8Kp2Nv4Xm6Op'] },
  { name: 'Slack user token (xoxp)', paste: (p) => `${curl(p)}\nuser xoxp-5550003333-7770004444-8880005555-SlUsrAs2Df4Gh6Jk8L`, secrets: ['5550003333-7770004444-8880005555-SlUsrAs2Df4Gh6Jk8L'] },
  { name: 'Slack app token (xapp)', paste: (p) => `${curl(p)}\nsocket mode with xapp-1-A0123ABCD-9990006666-SlAppZx1Cv3Bn5Mq7W`, secrets: ['A0123ABCD-9990006666-SlAppZx1Cv3Bn5Mq7W'] },
  { name: 'JWT', paste: (p) => `${curl(p)}\n${JWT_HEADER}.${JWT_BODY}.${JWT_SIG}`, secrets: [JWT_HEADER.slice(3), JWT_BODY, JWT_SIG] },
  { name: 'AWS access key id', paste: (p) => `${curl(p)}\nAKIAZQ7XK3M9P2L4R8TW is the access key id`, secrets: ['ZQ7XK3M9P2L4R8TW'] },
  { name: 'AWS secret access key', paste: (p) => `${curl(p)}\n[default]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8sKeyAws\nAWS_SECRET_ACCESS_KEY=Hk2pLq9Zx/Ty6uVb3Nm8/As5Df1Gh7Jk4Lo0PiUy`, secrets: ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8sKeyAws', 'Hk2pLq9Zx/Ty6uVb3Nm8/As5Df1Gh7Jk4Lo0PiUy'] },
  { name: 'GitHub tokens', paste: (p) => `${curl(p)}\nghp_Gh7Tk2Lm9Qw4Er6Ty8Ui1Op3As5Df0GhJkLm and github_pat_11QWERTYU0Pt3Rk7Wz1Hy5_Ju8Ki2Lo4Mp6Nq9Bv3Cx7Dz5Fa1Gs`, secrets: ['Gh7Tk2Lm9Qw4Er6Ty8Ui1Op3As5Df0GhJkLm', '11QWERTYU0Pt3Rk7Wz1Hy5_Ju8Ki2Lo4Mp6Nq9Bv3Cx7Dz5Fa1Gs'] },
  { name: 'password=/pwd=/secret= pairs', paste: (p) => `${curl(p)}\nDB_PASSWORD=PwPair3Gh7Jk1Lq pwd=PwdPr5Tz2Xc8Vb secret=ScPr9Mn4Bv6Cx client_secret: "CsPr1Qa3Ws5Ed" {"password": "JsPw7Rf2Tg4Yh"}`, secrets: ['PwPair3Gh7Jk1Lq', 'PwdPr5Tz2Xc8Vb', 'ScPr9Mn4Bv6Cx', 'CsPr1Qa3Ws5Ed', 'JsPw7Rf2Tg4Yh'] },
  { name: 'api_key query params', paste: (p) => `GET http://${HOST}:${p}/v1/items?api_key=AkQp4Rt6Yu8Io0&limit=10&access_token=AtQp3Er5Ty7Ui9 failed\n${curl(p)}`, secrets: ['AkQp4Rt6Yu8Io0', 'AtQp3Er5Ty7Ui9'] },
  { name: 'mysql -pPASSWORD', paste: (p) => `mysql -h ${HOST} -P ${p} -u root -pMyPw6Fg2Hj8Kl app\nERROR 2003 (HY000): Can't connect to MySQL server on '${HOST}:${p}' (111)`, secrets: ['MyPw6Fg2Hj8Kl'] },
  // Private keys: a whole PEM block, an OpenSSH key cut off before its END line, a service-account file.
  { name: 'RSA private key block', paste: (p) => `${curl(p)}\n-----BEGIN RSA PRIVATE KEY-----\n${RSA_LINES.join('\n')}\n-----END RSA PRIVATE KEY-----`, secrets: RSA_LINES },
  { name: 'OpenSSH private key cut off', paste: (p) => `-----BEGIN OPENSSH PRIVATE KEY-----\n${SSH_LINES.join('\n')}\n${pg(p)}`, secrets: SSH_LINES },
  {
    name: 'GCP service-account JSON',
    paste: (p) => `${pg(p)}\n${JSON.stringify({ type: 'service_account', project_id: 'demo-proj-4711', private_key_id: SA_KEY_ID, private_key: `-----BEGIN PRIVATE KEY-----\n${SA_LINES.join('\n')}\n-----END PRIVATE KEY-----\n`, client_email: 'runner@demo-proj-4711.iam.gserviceaccount.com' }, null, 2)}`,
    secrets: [SA_KEY_ID, ...SA_LINES],
  },
  // Cloud and SaaS keys.
  {
    name: 'Azure AccountKey, SharedAccessKey and SAS sig',
    paste: (p) => `RestError: connect ECONNREFUSED ${HOST}:${p}\nAZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=http;AccountName=devacct1;AccountKey=${AZ_KEY};BlobEndpoint=http://${HOST}:${p}/devacct1;\nEndpoint=sb://orders.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${SB_KEY}\nhttp://${HOST}:${p}/devacct1/backups?sv=2022-11-02&sp=r&sig=${SAS_SIG}`,
    secrets: [AZ_KEY, SB_KEY, SAS_SIG],
  },
  { name: 'Stripe keys', paste: (p) => `${curl(p)}\nSTRIPE keys in use: sk_live_${STRIPE[0]} rk_live_${STRIPE[1]} sk_test_${STRIPE[2]}`, secrets: STRIPE },
  { name: 'Twilio API key SID and auth token', paste: (p) => `${curl(p)}\ntwilio client: account AC${fake(119, 32, HEX)} key SK${TWILIO[0]} TWILIO_AUTH_TOKEN=${TWILIO[1]}`, secrets: TWILIO },
  { name: 'SendGrid API key', paste: (p) => `Error: connect ECONNREFUSED ${HOST}:${p}\nSENDGRID: SG.${SENDGRID[0]}.${SENDGRID[1]}`, secrets: SENDGRID },
  { name: 'npm token', paste: (p) => `npm ERR! request to http://${HOST}:${p}/left-pad failed, reason: connect ECONNREFUSED ${HOST}:${p}\nnpm publish with npm_${NPM}`, secrets: [NPM] },
  { name: 'Google API key', paste: (p) => `${curl(p)}\nGET http://${HOST}:${p}/geocode?region=eu&k=AIza${GOOGLE}`, secrets: [GOOGLE] },
  { name: 'AWS secret key beside its key id', paste: (p) => `${curl(p)}\nAccess key ID,Secret access key\n${AWS_PAIR.id},${AWS_PAIR.secret}`, secrets: [AWS_PAIR.id.slice(4), AWS_PAIR.secret] },
  { name: 'Slack webhook URL', paste: (p) => `${curl(p)}\nalerts go to https://hooks.slack.com/services/T0Q1W2E3R/B0T4Y5U6I/${SLACK_HOOK}`, secrets: [SLACK_HOOK] },
  // Passwords on command lines and in the environment.
  { name: 'curl -u user:password', paste: (p) => `$ curl -u admin:CuPw3Lk8Zq2Xv http://${HOST}:${p}/health\n${curl(p)}`, secrets: ['CuPw3Lk8Zq2Xv'] },
  {
    name: 'redis-cli -a and AUTH',
    paste: (p) => `$ redis-cli -h ${HOST} -p ${p} -a RdCliPw5Tg7Yh ping\nCould not connect to Redis at ${HOST}:${p}: Connection refused\n127.0.0.1:6379> AUTH RdAuthPw8Uj2Ik\nrequirepass RdReqPw4Ol6Pz`,
    secrets: ['RdCliPw5Tg7Yh', 'RdAuthPw8Uj2Ik', 'RdReqPw4Ol6Pz'],
  },
  {
    name: 'mysql --password',
    paste: (p) => `$ mysql -h ${HOST} -P ${p} -u app --password=MyLongPw2Wq9 shop\n$ mysql -h ${HOST} -P ${p} -u app --password MySepPw7Rt3 shop\nERROR 2003 (HY000): Can't connect to MySQL server on '${HOST}:${p}' (111)`,
    secrets: ['MyLongPw2Wq9', 'MySepPw7Rt3'],
  },
  {
    name: 'PGPASSWORD, MYSQL_PWD, REDISCLI_AUTH and sshpass -p',
    paste: (p) => `$ PGPASSWORD=pgenvsecret psql -h ${HOST} -p ${p} -U app\n${pg(p)}\nMYSQL_PWD=mysqlenvsecret REDISCLI_AUTH=redisenvsecret\n$ sshpass -p 'SshPw6Hn1Mj' ssh -p 2222 deploy@${HOST}`,
    secrets: ['pgenvsecret', 'mysqlenvsecret', 'redisenvsecret', 'SshPw6Hn1Mj'],
  },
  {
    name: 'docker login -p, mongosh -p, sqlcmd -P',
    paste: (p) => `$ docker login -u ci -p DkLoginPw4Xs ${HOST}:${p}\n$ mongosh "mongodb://${HOST}:${p}/admin" -u root -p MgShPw7Cd2\n$ sqlcmd -S ${HOST},${p} -U sa -P 'SqCmdPw9Vf!'\nError: connect ECONNREFUSED ${HOST}:${p}`,
    secrets: ['DkLoginPw4Xs', 'MgShPw7Cd2', 'SqCmdPw9Vf'],
  },
  // Headers and pairs whose key names a secret.
  { name: 'Cookie header', paste: (p) => `> GET /api HTTP/1.1\n> Host: ${HOST}:${p}\n> Cookie: sessionid=CkSess4Bg8Nh; csrftoken=CkCsrf6Jm1Kl\n${curl(p)}`, secrets: ['CkSess4Bg8Nh', 'CkCsrf6Jm1Kl'] },
  {
    name: 'client_secret, signature, webhook and auth pairs',
    paste: (p) => `${curl(p)}\nOAUTH_CLIENT_SECRET=OcSec3Vb7Nm X-Amz-Signature=${fake(120, 64, HEX)} ALERT_WEBHOOK_URL=http://${HOST}:${p}/hooks/WhPath5Gt9Hy basic_auth: "svc:BaAuth2Qw6Er"`,
    secrets: ['OcSec3Vb7Nm', fake(120, 64, HEX), 'WhPath5Gt9Hy', 'BaAuth2Qw6Er'],
  },
];

/** Parts of a secret: the whole, and every 8-character window (a half-masked secret is still a leak). */
function needles(secret: string): string[] {
  if (secret.length <= 8) return [secret];
  const out = new Set<string>([secret]);
  for (let i = 0; i + 8 <= secret.length; i += 1) out.add(secret.slice(i, i + 8));
  return [...out];
}

// Each kind's secrets are its own: no part of one appears in another kind's paste (a finding names the right kind).
for (const k of KINDS) {
  for (const other of KINDS) {
    if (other === k) continue;
    for (const s of k.secrets) for (const n of needles(s)) assert.ok(!other.paste(1).includes(n), `${k.name} and ${other.name} share ${n}`);
  }
}

/** Slack's escaping of message and command text (&, <, >). */
const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Every button value in a JSON tree, with its signed body decoded: the request it carries is what a client sees. */
function buttonValues(tree: unknown, out: string[] = []): string[] {
  if (Array.isArray(tree)) for (const t of tree) buttonValues(t, out);
  else if (tree && typeof tree === 'object') {
    const o = tree as Record<string, unknown>;
    if (typeof o.value === 'string') {
      const body = o.value.slice(0, Math.max(0, o.value.lastIndexOf('.')));
      out.push(`${o.value} ${Buffer.from(body, 'base64url').toString('utf8')}`);
    }
    for (const v of Object.values(o)) buttonValues(v, out);
  }
  return out;
}

/** Probe I/O that can only reach loopback: db.test is 127.0.0.1, every other name is unknown, no DNS server is asked. */
function loopbackOnly(offLoopback: string[]): Partial<ProbeDeps> {
  const real = defaultDeps();
  const loopback = (a: string) => a === '::1' || (isIP(a) === 4 && a.startsWith('127.'));
  const notFound = (host: string) => Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return {
    lookup: async (host) => {
      if (host === HOST) return [{ address: '127.0.0.1', family: 4 }];
      throw notFound(host);
    },
    resolve4: async (host) => {
      if (host === HOST) return ['127.0.0.1'];
      throw notFound(host);
    },
    resolve6: async (host) => {
      throw notFound(host);
    },
    connect: (to, signal, slot) => {
      if (!('path' in to) && !loopback(to.address)) {
        offLoopback.push(`connect ${to.address}:${to.port}`);
        return Promise.reject(Object.assign(new Error('not loopback'), { code: 'EPOLICY' }));
      }
      return real.connect(to, signal, slot);
    },
    tlsConnect: (options, slot) => {
      if (typeof options.host !== 'string' || !loopback(options.host)) {
        offLoopback.push(`tls ${String(options.host)}`);
        throw Object.assign(new Error('not loopback'), { code: 'EPOLICY' });
      }
      return real.tlsConnect(options, slot);
    },
    httpRequest: (options, signal) => {
      if (!loopback(options.address)) {
        offLoopback.push(`http ${options.address}`);
        return Promise.reject(Object.assign(new Error('not loopback'), { code: 'EPOLICY' }));
      }
      return real.httpRequest(options, signal);
    },
  };
}

interface Bot extends Harness {
  config: Config;
  offLoopback: string[];
}

/** The real bot, as the e2e tests start it, with the real engine: only its name resolution is injected (see loopbackOnly). */
async function startReal(extra: Record<string, string>): Promise<Bot> {
  const fake = await FakeSlack.start();
  // Timing is not under test here. A 300 ms pong timeout (the harness's, for the reconnect tests) drops the link
  // when many pastes are diagnosed at once on a busy machine, and a send then finds no connection; a closed
  // loopback port answers at once, but a busy event loop can make a 500 ms connect timeout read "timed out".
  const loaded = loadConfig(env(fake, { REFUSED_CONNECT_TIMEOUT_MS: '2000', REFUSED_DEADLINE_MS: '6000', SLACK_SOCKET_PING_TIMEOUT_MS: '5000', ...extra }));
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.problems.join('\n'));
  const config = loaded.config;
  const offLoopback: string[] = [];
  const probeDeps = loopbackOnly(offLoopback);
  const engine = (request: DiagnoseRequest, signal: AbortSignal): Promise<Diagnosis> =>
    diagnose(request, { surface: 'chat', timeouts: config.timeouts, policy: config.policy, signal, hostname: 'test-bot', deps: probeDeps });
  const log = memoryLog('debug');
  const bot = await startBot(config, { diagnose: engine, log });
  await bot.started;
  await fake.waitFor(() => bot.isReady(), 'the bot to be ready');
  return { fake, bot, log, config, offLoopback };
}

async function stopReal(b: Bot | null): Promise<void> {
  if (!b) return;
  await b.bot.stop();
  // The bot's close frame answered before the fake goes: else the client keeps a 30 s handshake timer alive.
  await b.fake.waitFor(() => b.fake.openSockets === 0, 'the Socket Mode link to close', 5000).catch(() => undefined);
  await b.fake.close();
  assert.deepEqual(b.fake.violations, [], 'the fake Slack saw payloads that break Slack limits');
  assert.deepEqual(b.offLoopback, [], 'a probe tried to leave loopback');
}

/** Everything that left the bot, each with where it went. */
function haystack(b: Bot): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  for (const c of b.fake.calls) {
    out.push({ where: `Web API ${c.method}`, text: JSON.stringify(c.args) });
    for (const v of buttonValues(c.args)) out.push({ where: `button value in ${c.method}`, text: v });
  }
  for (const r of b.fake.responses) {
    out.push({ where: 'response_url', text: JSON.stringify(r.body) });
    for (const v of buttonValues(r.body)) out.push({ where: 'button value in a response_url post', text: v });
  }
  for (const a of b.fake.acks) {
    out.push({ where: 'ack payload', text: JSON.stringify(a.payload ?? null) });
    for (const v of buttonValues(a.payload)) out.push({ where: 'button value in an ack', text: v });
  }
  for (const m of b.fake.posted.values()) for (const v of buttonValues(m.blocks)) out.push({ where: 'button value in a posted message', text: v });
  for (const l of b.log.lines) out.push({ where: `log line ${String(l.event)}`, text: JSON.stringify(l) });
  return out;
}

function leaks(b: Bot, kinds: readonly Kind[]): string[] {
  const hay = haystack(b);
  const found: string[] = [];
  for (const k of kinds) {
    for (const s of k.secrets) {
      for (const h of hay) {
        const n = needles(s).find((x) => h.text.includes(x));
        if (n) found.push(`${k.name}: "${n}" in ${h.where}: …${h.text.slice(Math.max(0, h.text.indexOf(n) - 80), h.text.indexOf(n) + 40)}…`);
      }
    }
  }
  return found;
}

function shortcut(fake: FakeSlack, text: string, ts: string, user: string, channel = 'C100'): Record<string, unknown> {
  return {
    type: 'message_action',
    callback_id: SHORTCUT_DIAGNOSE,
    trigger_id: `t-${ts}`,
    response_url: fake.responseUrl(),
    team: { id: TEAM, domain: 'fake' },
    channel: { id: channel, name: 'general' },
    user: { id: user, name: 'alice' },
    message: { type: 'message', user: 'U400', ts, text },
    message_ts: ts,
    token: 'legacy',
    action_ts: `${ts}5`,
  };
}

describe('redact, on the text as each place sees it', () => {
  // Plain (a paste), Slack-escaped, and JSON-escaped once and twice: the Socket Mode client's debug lines
  // carry whole payloads as JSON text, where a line starts after "\\n" and a quote is "\\\"".
  it('masks every kind in plain, Slack-escaped and JSON-escaped text', () => {
    const found: string[] = [];
    for (const k of KINDS) {
      const raw = k.paste(5432);
      for (const [form, text] of [['plain', raw], ['slack', slackEscape(raw)], ['json', JSON.stringify(raw)], ['json twice', JSON.stringify(JSON.stringify(raw))], ['json object', JSON.stringify({ text: raw, blocks: [{ text: raw }] })]] as const) {
        const out = redact(text);
        for (const s of k.secrets) {
          const n = needles(s).find((x) => out.includes(x));
          if (n) found.push(`${k.name} (${form}): ${n} in ${out}`);
        }
      }
    }
    assert.deepEqual(found, []);
  });
});

describe('secrets in a paste, through every Slack surface of the real bot', () => {
  let b: Bot | null = null;
  let port = 0;
  before(async () => {
    port = await closedPort();
    b = await startReal({ REFUSED_RATE_PER_USER: '0', REFUSED_RATE_PER_CHANNEL: '0', REFUSED_MAX_CONCURRENT: '16' });
    b.fake.notInChannel.add('C404');
    b.fake.postMessageError.set('C403', 'restricted_action');
  });
  after(async () => {
    const x = b;
    b = null;
    await stopReal(x);
  });

  it('each kind × (channel paste, /refused, shortcut, Re-check of each, ephemeral and response_url fallbacks, Home): masked everywhere', async () => {
    const h = b!;
    const { fake } = h;
    await Promise.all(KINDS.map(async (k, i) => {
      const user = `U${500 + i}`;
      const raw = k.paste(port);
      const text = slackEscape(raw);
      // The paste reaches the engine whole: the secret is in what the bot was given.
      for (const s of k.secrets) assert.ok(raw.includes(s), `${k.name}: the paste holds its secret`);

      // 1. A paste in a channel: a reply in its thread.
      const msgTs = `${600 + i}.000001`;
      await fake.send('events_api', fake.event({ type: 'message', user, text, channel: 'C100', channel_type: 'channel', ts: msgTs }));
      const fromMessage = await fake.waitFor(() => fake.thread('C100', msgTs)[0], `${k.name}: the reply to the paste`);

      // 2. /refused with the paste: a parent in the channel, the diagnosis in its thread.
      const cmdChannel = `C${700 + i}`;
      await fake.send('slash_commands', fake.slashCommand(text, { user, channel: cmdChannel }));
      const parent = await fake.waitFor(() => [...fake.posted.values()].find((m) => m.channel === cmdChannel && !m.thread_ts), `${k.name}: the command's parent`);
      const fromCommand = await fake.waitFor(() => fake.thread(cmdChannel, parent.ts)[0], `${k.name}: the command's diagnosis`);

      // 3. The message shortcut on a message holding the paste.
      const scTs = `${800 + i}.000001`;
      await fake.send('interactive', shortcut(fake, text, scTs, user));
      const fromShortcut = await fake.waitFor(() => fake.thread('C100', scTs)[0], `${k.name}: the shortcut's reply`);

      // 4. Re-check on each answer: the request comes back from the button value and the message is edited.
      for (const [where, m] of [['paste', fromMessage], ['command', fromCommand], ['shortcut', fromShortcut]] as [string, Posted][]) {
        assert.ok(fake.findButton(m.blocks, ACTION.recheck), `${k.name}: the ${where} answer has a Re-check button (its target was probed)`);
        await fake.send('interactive', fake.click(m, ACTION.recheck, { user }));
        await fake.waitFor(() => m.updates > 0, `${k.name}: the Re-check of the ${where} answer`);
      }

      // 5. Where the bot may not post: a paste answered with chat.postEphemeral, /refused through response_url,
      // the shortcut through response_url.
      const before = fake.callsOf('chat.postEphemeral').length;
      await fake.send('events_api', fake.event({ type: 'message', user, text, channel: 'C403', channel_type: 'channel', ts: `${900 + i}.000001` }));
      await fake.waitFor(() => fake.callsOf('chat.postEphemeral').some((c) => c.args.user === user && c.args.channel === 'C403'), `${k.name}: the private answer to the paste`);
      assert.ok(fake.callsOf('chat.postEphemeral').length > before);
      const cmd = fake.slashCommand(text, { user, channel: 'C404' });
      await fake.send('slash_commands', cmd);
      const cmdId = String(cmd.response_url).split('/').at(-1);
      await fake.waitFor(() => fake.responses.find((r) => r.id === cmdId && /Only you can see this/.test(JSON.stringify(r.body))), `${k.name}: the command's private answer`);
      const sc = shortcut(fake, text, `${950 + i}.000001`, user, 'C404');
      await fake.send('interactive', sc);
      const scId = String(sc.response_url).split('/').at(-1);
      await fake.waitFor(() => fake.responses.find((r) => r.id === scId && /Only you can see this/.test(JSON.stringify(r.body))), `${k.name}: the shortcut's private answer`);

      // 6. The Home tab lists this person's recent diagnoses.
      await fake.send('events_api', fake.event({ type: 'app_home_opened', user, channel: `D${user}`, tab: 'home', ts: `${990 + i}.1` }));
      await fake.waitFor(() => fake.callsOf('views.publish').find((c) => c.args.user_id === user), `${k.name}: the Home tab`);
    }));

    // Every answer diagnosed the paste's own target: the secret line was read, not ignored.
    const diagnoses = h.log.lines.filter((l) => l.event === 'diagnosis');
    for (let i = 0; i < KINDS.length; i += 1) {
      const mine = diagnoses.filter((l) => l.user === `U${500 + i}`);
      // paste, command, shortcut, three Re-checks, the ephemeral paste, the private command and shortcut.
      assert.equal(mine.length, 9, `${KINDS[i]!.name}: ${JSON.stringify(mine)}`);
      for (const l of mine) {
        assert.equal(l.outcome, 'diagnosed');
        assert.equal(l.target, `${HOST}:${port}`, `${KINDS[i]!.name}: ${JSON.stringify(l)}`);
        assert.equal(typeof l.channel, 'string');
        assert.equal(typeof l.ms, 'number');
        assert.ok(['paste', 'command', 'shortcut', 'recheck'].includes(String(l.kind)));
      }
      const batches = h.log.lines.filter((l) => l.event === 'probe_batch' && l.user === `U${500 + i}`);
      assert.equal(batches.length, 9, `${KINDS[i]!.name}: a probe_batch line per diagnosis`);
      for (const p of batches) {
        assert.deepEqual(p.targets, [`${HOST}:${port}`]);
        assert.ok((p.tcp as Record<string, number>).refused! >= 1, JSON.stringify(p));
      }
    }
    assert.deepEqual(leaks(h, KINDS), []);
  });
});

describe('audit lines for refusals, against the real bot', () => {
  let b: Bot | null = null;
  after(async () => {
    const x = b;
    b = null;
    await stopReal(x);
  });

  it('policy_refused for a metadata address and for loopback in chat; rate_limited past the per-person limit; no secret in either', async () => {
    b = await startReal({ REFUSED_ALLOW_LOOPBACK: 'false', REFUSED_RATE_PER_USER: '2', REFUSED_RATE_PER_CHANNEL: '0' });
    const { fake, log } = b;
    const port = await closedPort();
    const thread = async (channel: string) => {
      const parent = await fake.waitFor(() => [...fake.posted.values()].find((m) => m.channel === channel && !m.thread_ts), `the parent in ${channel}`);
      return fake.waitFor(() => fake.thread(channel, parent.ts)[0], `the answer in ${channel}`);
    };
    // Denied by policy before any socket: the cloud metadata address, and this machine's loopback.
    await fake.send('slash_commands', fake.slashCommand('169.254.169.254 80', { user: 'U900', channel: 'C901' }));
    await thread('C901');
    await fake.send('slash_commands', fake.slashCommand(`127.0.0.1 ${port}`, { user: 'U900', channel: 'C902' }));
    await thread('C902');
    const refused = log.lines.filter((l) => l.event === 'policy_refused');
    assert.ok(refused.some((l) => l.host === '169.254.169.254' && l.port === 80 && l.user === 'U900' && l.channel === 'C901' && l.kind === 'command'), JSON.stringify(refused));
    assert.ok(refused.some((l) => l.host === '127.0.0.1' && l.port === port && l.user === 'U900' && l.channel === 'C902'), JSON.stringify(refused));
    for (const l of refused) assert.equal(typeof l.reason, 'string');
    // Nothing was probed for either: no probe_batch line, and the diagnosis lines say what was asked.
    assert.equal(log.lines.filter((l) => l.event === 'probe_batch').length, 0);
    const diag = log.lines.filter((l) => l.event === 'diagnosis' && l.user === 'U900');
    assert.deepEqual(diag.map((l) => [l.target, l.outcome]).sort(), [[`127.0.0.1:${port}`, 'diagnosed'], ['169.254.169.254:80', 'diagnosed']]);
    for (const l of diag) assert.deepEqual(l.probed, []);

    // The third request in the window, a paste with secrets: refused privately, logged, masked.
    const k = KINDS.find((x) => x.name === 'postgres URL password')!;
    const kk = KINDS.find((x) => x.name === 'Authorization: Bearer')!;
    const ack = await fake.send('slash_commands', fake.slashCommand(slackEscape(`${k.paste(port)}\n${kk.paste(port)}`), { user: 'U900', channel: 'C903' }));
    assert.match(JSON.stringify(ack.payload), /You have asked 3 times/);
    await fake.send('events_api', fake.event({ type: 'message', user: 'U900', text: slackEscape(k.paste(port)), channel: 'C904', channel_type: 'channel', ts: '950.000001' }));
    await fake.waitFor(() => fake.callsOf('chat.postEphemeral').find((c) => c.args.user === 'U900'), 'the private rate-limit notice');
    const limited = log.lines.filter((l) => l.event === 'rate_limited');
    assert.ok(limited.length >= 2, JSON.stringify(limited));
    for (const l of limited) {
      assert.equal(l.user, 'U900');
      assert.equal(l.limit, 'user');
      assert.equal(typeof l.channel, 'string');
      assert.equal(typeof l.target, 'string');
    }
    assert.deepEqual(leaks(b, [k, kk]), []);
    assert.deepEqual(b.offLoopback, []);
  });
});
