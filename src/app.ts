// Composition root of the Slack bot: read the configuration, build the real dependencies, connect to
// Slack (Socket Mode by default, HTTP when only a signing secret is given), serve /healthz and /readyz,
// and shut down cleanly on SIGTERM. Everything else lives in src/slack/ and takes its I/O as parameters.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { pathToFileURL } from 'node:url';
import bolt from '@slack/bolt';
import { environment, formatProblems, loadConfig, wantsPlayground, type Config } from './config.js';
import { diagnose } from './diagnose.js';
import { StartError } from './errors.js';
import type { Diagnosis } from './domain/types.js';
import { parse } from './parse/index.js';
import { resolveTimeouts } from './plan.js';
import { describePolicy } from './policy/index.js';
import { ProbeBudget } from './probes/budget.js';
import { createSocketLimiter } from './probes/limiter.js';
import type { Policy } from './policy/index.js';
import type { DiagnoseRequest } from './request.js';
import type { OperatorRules } from './rules/custom.js';
import { boltLogger } from './slack/bolt-logger.js';
import { buttonKey } from './slack/button-value.js';
import type { Deps } from './slack/deps.js';
import { Deliveries, History } from './slack/history.js';
import { Incidents } from './slack/incidents.js';
import { Votes } from './slack/votes.js';
import { watchHooks } from './slack/listeners/actions/watch.js';
import { openStore, type Store } from './store/index.js';
import type { CauseCounts } from './store/store.js';
import { guarded } from './store/guard.js';
import type { AgentHub } from './agents/hub.js';
import type { AgentRelay } from './agents/relay.js';
import { StoreUnavailable } from './errors.js';
import { sleep } from './sleep.js';
import { connectionCap, type GatedRequest, limitServer, openFileLimit, refuseAndClose, serverOptions, slackGate } from './slack/http-gate.js';
import { GatedReceiver } from './slack/receiver.js';
import { registerActions } from './slack/listeners/actions/index.js';
import { commandsEarly, registerCommands } from './slack/listeners/commands/index.js';
import { registerEvents } from './slack/listeners/events/index.js';
import { registerShortcuts } from './slack/listeners/shortcuts/index.js';
import { registerViews } from './slack/listeners/views/index.js';
import { NoticeOnce, SharedLimits } from './slack/limits.js';
import { createLog, type Log } from './slack/log.js';
import { slackError } from './slack/reply.js';
import { Watches } from './slack/watches.js';
import { returnMemoryWhenIdle } from './slack/memory.js';
import { Work } from './slack/work.js';
import { SlackReach } from './reach-slack.js';
import type { PlaygroundServer } from './playground/server.js';

// @slack/bolt is CommonJS; its default export carries every class.
const { App, SocketModeReceiver, webApi } = bolt;

/** Slack answers that no amount of retrying fixes: the token itself is wrong. */
const FATAL_AUTH = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'no_permission', 'missing_scope', 'not_allowed_token_type']);

/** What a test (or another deployment) may swap; the defaults are the real engine and clock. */
export interface Overrides {
  diagnose?: Deps['diagnose'];
  hasConnectionError?: (text: string) => boolean;
  log?: Log;
  now?: () => Date;
  rules?: OperatorRules;
  /** How a failure to reach Slack is explained (the default diagnoses SLACK_API_URL's endpoint from here). */
  reach?: SlackReach;
  /** The store, already open (the default opens config.store; the bot closes it when it stops). */
  store?: Store;
}

export interface BotHandle {
  /** The port of the health (and, in HTTP mode, Slack request) listener. */
  port: number;
  isReady(): boolean;
  /** Resolves once connected to Slack; rejects with StartError when the tokens are refused. */
  started: Promise<void>;
  deps: Deps;
  /** Stop taking work, let running diagnoses finish (up to the grace period), disconnect, close. */
  stop(): Promise<void>;
}


/**
 * Retries with doubling pauses until it works, the error is fatal, or the bot is stopping. A failure on the
 * network is explained by our own diagnosis of the Slack endpoint: each attempt's line names the cause, and
 * each distinct cause is told in full once (slack_unreachable_why).
 */
async function withRetry<T>(step: string, fn: () => Promise<T>, log: Log, signal: AbortSignal, apiUrl: string, reach: SlackReach): Promise<T | null> {
  let delay = 1000;
  for (let attempt = 1; !signal.aborted; attempt += 1) {
    try {
      return await fn();
    } catch (err) {
      const code = slackError(err);
      if (code !== null && FATAL_AUTH.has(code)) {
        const which = step === 'apps.connections.open' ? 'SLACK_APP_TOKEN' : 'SLACK_BOT_TOKEN';
        throw new StartError(`Slack refused ${which} (${code}) at ${step}. Copy the token again from your app's settings page and restart.`);
      }
      const found = await reach.explain(err, signal);
      const why = found ? { cause: found.reason.cause, why: found.reason.verdict } : {};
      log.warn('slack_unreachable', { step, attempt, retryInMs: delay, apiUrl, ...why, error: err, hint: 'check network access to Slack (proxy, firewall, SLACK_API_URL)' });
      if (found?.fresh) {
        const r = found.reason;
        log.warn('slack_unreachable_why', { step, apiUrl, checked: r.endpoint, cause: r.cause, title: r.title, why: r.verdict, evidence: r.evidence, next: r.next });
      }
      await sleep(delay, signal);
      delay = Math.min(delay * 2, 30_000);
    }
  }
  return null;
}

function policyWords(config: Config, rules: OperatorRules, vantage: string): string[] {
  return [
    `Probes run from ${vantage}: DNS lookups, TCP connects, and a short look at what answers (banner, TLS, HTTP headers).`,
    config.allowLoopback
      ? 'A typed target on this machine\'s own loopback (127.0.0.1, ::1, localhost) is probed.'
      : 'This machine\'s own loopback (127.0.0.1, ::1, localhost) is never probed.',
    config.reportersOnThisHost
      ? 'The people who paste run on this same machine, so localhost in a pasted error is this machine, and it is probed.'
      : 'localhost in a pasted error is your machine, not the bot\'s: it is not probed; you get the commands to run yourself.',
    ...describePolicy(config.policy),
    ...(rules.rules.length + rules.runbooks.length > 0 ? [`This instance adds ${rules.rules.length} rule(s) and ${rules.runbooks.length} runbook link(s) from its operators.`] : []),
  ];
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** How often expired records are deleted (SQLite; Redis expires keys itself). */
const SWEEP_EVERY_MS = 10 * 60_000;
/** A store that stays unreachable is logged again after this long, not once per operation. */
const STORE_WARN_EVERY_MS = 30_000;

/**
 * A locked SQLite file is waited for this long per operation: briefly, since better-sqlite3 waits synchronously and
 * the whole process (acks included) waits with it; past it the store counts as unavailable for a moment (guard.ts).
 */
const STORE_BUSY_TIMEOUT_MS = 250;

/** Opens the store; a store that cannot be used stops the start with one message naming REFUSED_STORE_URL. */
async function storeFor(config: Config, log: Log): Promise<Store> {
  try {
    return await openStore(config.store, {
      busyTimeoutMs: STORE_BUSY_TIMEOUT_MS,
      onState: (state, error) => (state === 'lost' ? log.warn('store_lost', { error, hint: 'diagnoses go on; limits follow REFUSED_LIMITS_WITHOUT_STORE; watches resume when it is back' }) : log.info('store_back', {})),
    });
  } catch (err) {
    if (err instanceof StoreUnavailable) throw new StartError(err.message);
    throw err;
  }
}

export async function startBot(config: Config, o: Overrides = {}): Promise<BotHandle> {
  const log = o.log ?? createLog(config.logLevel);
  const now = o.now ?? (() => new Date());
  // A store that fails is left alone for a moment (store/guard.ts): the fallbacks answer at once meanwhile.
  const store = guarded(o.store ?? (await storeFor(config, log)));
  log.info('store', { kind: store.kind, where: store.where });
  let storeWarnedAt = 0;
  const storeDown = (err: unknown) => {
    if (Date.now() - storeWarnedAt < STORE_WARN_EVERY_MS) return;
    storeWarnedAt = Date.now();
    log.warn('store_unavailable', { where: store.where, error: err });
  };
  const nowMs = () => now().getTime();
  const vantage = config.vantageName ?? osHostname();
  // The rules file's reader (and its YAML parser) loads only when there is a file to read.
  const rules = o.rules ?? (config.rulesFile ? (await import('./rules/custom.js')).loadRulesFile(config.rulesFile) : { rules: [], runbooks: [] });
  const policy: Policy = config.policy;
  // One cap on sockets in flight for every diagnosis and watch of this instance.
  const sockets = createSocketLimiter(config.maxSockets);
  // One count of distinct ports per target address per minute, shared by every diagnosis and watch here (the
  // limit is the policy's probeBudgetPerHost).
  const budget = new ProbeBudget();
  const engine =
    o.diagnose ??
    ((request: DiagnoseRequest, signal: AbortSignal, feedback?: ReadonlyMap<string, CauseCounts>): Promise<Diagnosis> =>
      diagnose(request, {
        ...(feedback ? { feedback } : {}),
        surface: 'chat',
        timeouts: config.timeouts,
        policy,
        reportersOnThisHost: config.reportersOnThisHost,
        extraRules: rules.rules,
        runbooks: rules.runbooks,
        onRuleError: (id, error) => log.warn('rule_failed', { rule: id, error }),
        signal,
        hostname: vantage,
        deps: { socketLimiter: sockets, probeBudget: budget },
      }));
  const apiUrl = config.slackApiUrl ?? 'https://slack.com/api/';
  const reach = o.reach ?? new SlackReach(apiUrl);
  const stopping = new AbortController();
  // The engine keeps its own deadline; this one, a little later, frees the slot even if the engine did not.
  const engineDeadline = resolveTimeouts(config.timeouts).deadlineMs;
  const work = new Work({ maxConcurrent: config.maxConcurrent, maxQueued: config.maxQueued, deadlineMs: engineDeadline + 2000 });
  const watches = new Watches(config.watch, store, log, nowMs);
  const stopReturningMemory = returnMemoryWhenIdle(work, log);

  let ready = false;
  let notReadyWhy = 'connecting to Slack';
  let httpReceiver: GatedReceiver | null = null;

  // In HTTP mode every request for Slack passes the gate first: signature headers and timestamp before
  // the body is read, the body read under a cap, the signature, replays, the payload's shape. Bolt gets
  // the body already parsed, through GatedReceiver, whose ack answers the request at once.
  const gate = config.mode === 'http' ? slackGate({ signingSecret: config.signingSecret!, log }) : null;
  const toBolt = (req: GatedRequest, res: ServerResponse) => {
    if (!httpReceiver || !ready) return refuseAndClose(res, 503, { error: 'not ready' });
    try {
      httpReceiver.handle(req, res);
    } catch (err) {
      log.warn('http_request_failed', { path: '/slack/events', error: err });
      if (!res.headersSent) json(res, 500, { error: 'internal' });
    }
  };

  // Health first, so an orchestrator sees the process alive while it is still reaching Slack.
  const server: Server = createServer(serverOptions(), (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && path === '/healthz') return json(res, 200, { ok: true });
    if (req.method === 'GET' && path === '/readyz') return json(res, ready ? 200 : 503, ready ? { ready: true, mode: config.mode } : { ready: false, reason: notReadyWhy });
    if (gate && path === '/slack/events') {
      // Not ready: answered before anything is read.
      if (!httpReceiver || !ready) return refuseAndClose(res, 503, { error: 'not ready' });
      return gate(req, res, toBolt);
    }
    json(res, 404, { error: 'not found' });
  });
  // Bounded timeouts and headers, and a connection cap that leaves descriptors for the probes' sockets,
  // so a crowd of connections cannot starve the probes or the health checks.
  const limits = limitServer(server, { cap: connectionCap(openFileLimit(), config.maxSockets), log });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (err: unknown) => {
    // Nothing started: the store goes too, or an open Redis connection would keep the process alive.
    await store.close().catch(() => undefined);
    throw err;
  });
  // Probe agents (REFUSED_AGENTS) dial in at /agents on this same listener, in Socket Mode and HTTP mode alike.
  // Loaded only when agents are configured (the hub brings ws and its schemas; the relay the Redis client).
  const hub: AgentHub | null = config.agents.size > 0 ? new (await import('./agents/hub.js')).AgentHub({ agents: config.agents, log }) : null;
  // With Redis there may be several replicas: a job reaches an agent connected to any of them (agents/relay.ts).
  const relay: AgentRelay | null =
    hub && store.kind === 'redis' && config.store.kind === 'redis' ? new (await import('./agents/relay.js')).AgentRelay({ hub, url: config.store.url, log }) : null;
  await relay?.start();
  const agents = relay ?? hub;
  server.on('upgrade', (req, socket, head) => {
    if (!hub?.handleUpgrade(req, socket, head)) socket.destroy();
  });
  const port = (server.address() as AddressInfo).port;
  log.info('listening', { port, host: config.host, mode: config.mode, apiUrl, maxConnections: limits.cap });

  const deps: Deps = {
    diagnose: engine,
    hasConnectionError: o.hasConnectionError ?? ((text) => parse(text).kind !== 'none'),
    log,
    now,
    key: buttonKey(config.buttonSecret, config.botToken),
    botUserId: '',
    work,
    history: new History(store, storeDown, nowMs),
    limits: new SharedLimits(config.rate, store, config.limitsWithoutStore, storeDown),
    notices: new NoticeOnce(config.rate.windowMs),
    maxPasteBytes: config.maxPasteBytes,
    deliveries: new Deliveries(store, storeDown, nowMs, store.kind === 'redis'),
    watches,
    incidents: new Incidents(store, config.incidentWindowMs, storeDown, nowMs),
    votes: new Votes(store, storeDown, nowMs),
    // An agent gets about the time the bot's own engine gets, plus its round trip.
    ...(agents ? { agents: { names: () => agents.names(), list: () => agents.list(), ask: agents.ask.bind(agents), deadlineMs: engineDeadline + 1000, channels: config.agentChannels } } : {}),
    home: { vantage, policy: policyWords(config, rules, vantage) },
  };

  const logger = boltLogger(log);
  let app: InstanceType<typeof App> | null = null;
  let socketReceiver: InstanceType<typeof SocketModeReceiver> | null = null;

  const started = (async () => {
    // Our own auth.test, retried: `new App({ token })` would call it once and leave a rejection behind.
    // A timeout, so a path that silently drops packets gives a log line in seconds, not after the
    // operating system's TCP timeout (minutes).
    const probeClient = new webApi.WebClient(config.botToken, { slackApiUrl: apiUrl, logger, retryConfig: { retries: 0 }, timeout: 10_000 });
    const auth = await withRetry('auth.test', () => probeClient.auth.test(), log, stopping.signal, apiUrl, reach);
    if (!auth) return;
    deps.botUserId = auth.user_id ?? '';
    log.info('authenticated', { team: auth.team, botUserId: auth.user_id, botId: auth.bot_id });

    const clientOptions = { slackApiUrl: apiUrl, timeout: 15_000 };
    if (config.mode === 'socket') {
      socketReceiver = new SocketModeReceiver({
        appToken: config.appToken!,
        logger,
        clientPingTimeout: config.socketPingTimeoutMs,
        // The Socket Mode client asks apps.connections.open for its WebSocket URL through these options,
        // so SLACK_API_URL moves the connection too.
        // Its own default (100 retries, ×1.3, no cap) lets the pause between reconnect attempts grow to hours
        // after a long outage, then gives up with a rejection nobody can catch (@slack/socket-mode's
        // delayReconnectAttempt calls start() with no catch). Capped pauses, never giving up, instead.
        installerOptions: { clientOptions: { ...clientOptions, retryConfig: { forever: true, factor: 1.5, minTimeout: 1000, maxTimeout: 30_000, randomize: true } } },
      });
      socketReceiver.client.on('connected', () => {
        ready = true;
        log.info('slack_connected', { mode: 'socket' });
      });
      // 'close' is the socket going away (a disconnect frame, a lost link); 'reconnecting' and
      // 'disconnected' are the client's states after it.
      for (const state of ['close', 'reconnecting', 'disconnected'] as const) {
        socketReceiver.client.on(state, () => {
          if (ready) log.warn('slack_disconnected', { state });
          ready = false;
          notReadyWhy = `socket mode ${state}`;
        });
      }
    } else {
      httpReceiver = new GatedReceiver(log, commandsEarly(deps));
    }
    app = new App({
      token: config.botToken,
      // Known ids keep Bolt from calling auth.test again on its own, unretried.
      botId: auth.bot_id,
      botUserId: auth.user_id,
      receiver: (socketReceiver ?? httpReceiver)!,
      logger,
      clientOptions,
    });
    app.error(async (err) => {
      log.error('listener_error', { error: err });
    });
    registerCommands(app, deps);
    registerEvents(app, deps);
    registerShortcuts(app, deps);
    registerViews(app, deps);
    registerActions(app, deps);

    if (socketReceiver) {
      const theApp = app;
      await withRetry('apps.connections.open', () => theApp.start(), log, stopping.signal, apiUrl, reach);
    } else {
      ready = !stopping.signal.aborted;
      if (ready) log.info('slack_ready', { mode: 'http', path: '/slack/events' });
    }
    // Connected: this replica runs the watches it starts and those nobody holds (after a restart, or a replica gone).
    if (!stopping.signal.aborted) watches.begin(watchHooks(app.client, deps));
  })();
  const sweeper = setInterval(() => void store.sweep(nowMs()).catch(storeDown), SWEEP_EVERY_MS);
  sweeper.unref();
  // The caller may never look at `started`; its failure is logged here, so it is never unhandled.
  started.catch((err: unknown) => {
    notReadyWhy = err instanceof Error ? err.message : String(err);
    log.error('start_failed', { error: err });
  });

  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      log.info('stopping', { inFlight: work.inFlight, watches: watches.size });
      ready = false;
      notReadyWhy = 'shutting down';
      stopping.abort();
      const drained = work.drain(config.shutdownGraceMs);
      clearInterval(sweeper);
      stopReturningMemory();
      // Leases go back at once: another replica (or this one's next start) resumes the watches.
      await watches.handBack();
      // The relay first: it tells other replicas' askers of jobs running here, and gives up its agents' presence.
      await relay?.close();
      await hub?.close();
      // No new work from Slack while the running diagnoses finish; HTTP requests get 503 from here on.
      if (socketReceiver) await socketReceiver.stop().catch(() => undefined);
      const result = await drained;
      await started.catch(() => undefined);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await store.close().catch((err: unknown) => log.warn('store_close_failed', { error: err }));
      log.info('stopped', result);
    })();
    return stopped;
  };

  return { port, isReady: () => ready, started, deps, stop };
}

export interface PlaygroundHandle {
  /** The page: http://127.0.0.1:PORT/ */
  url: string;
  port: number;
  server: PlaygroundServer;
  bot: BotHandle;
  /** Stops the bot (letting running diagnoses finish), then the local Slack. */
  stop(): Promise<void>;
}

/** What a start-up needs to say before it gives up: configuration problems, each naming its variable. */
export class ConfigProblems extends Error {
  constructor(readonly problems: string[]) {
    super(formatProblems(problems));
  }
}

/**
 * The local playground: a Slack on 127.0.0.1:PORT (Web API, Socket Mode, response_url, the page and its API),
 * then the real bot, connected to it with tokens only it accepts. The bot runs as it would against Slack,
 * except that the people who paste share its machine: loopback in a paste is this machine and is probed.
 * Its own /healthz listener takes a free port.
 */
export async function startPlayground(env: Readonly<Record<string, string | undefined>>, o: { log?: Log; rules?: OperatorRules; pageDir?: string } = {}): Promise<PlaygroundHandle> {
  // Loaded here, not at start: a bot connected to Slack never needs the local Slack, its page or its schemas.
  const { playgroundTokens, startPlaygroundServer } = await import('./playground/server.js');
  const tokens = playgroundTokens();
  const result = loadConfig({
    ...env,
    SLACK_BOT_TOKEN: tokens.botToken,
    SLACK_APP_TOKEN: tokens.appToken,
    SLACK_SIGNING_SECRET: '',
    SLACK_API_URL: '',
    HOST: '127.0.0.1',
    REFUSED_ALLOW_LOOPBACK: 'true',
    REFUSED_REPORTERS_ON_THIS_HOST: 'true',
  });
  if (!result.ok) throw new ConfigProblems(result.problems);
  const log = o.log ?? createLog(result.config.logLevel);
  const server = await startPlaygroundServer({
    port: result.config.port,
    ...tokens,
    ...(o.pageDir ? { pageDir: o.pageDir } : {}),
    onProblem: (problem) => log.warn('playground_slack_refused', { problem }),
  });
  log.info('playground', { url: server.url });
  const config: Config = { ...result.config, port: 0, slackApiUrl: server.slack.apiUrl };
  let bot: BotHandle;
  try {
    bot = await startBot(config, { log, ...(o.rules ? { rules: o.rules } : {}) });
  } catch (err) {
    await server.close();
    throw err;
  }
  let stopped: Promise<void> | null = null;
  return {
    url: server.url,
    port: server.port,
    server,
    bot,
    stop: () =>
      (stopped ??= (async () => {
        await bot.stop();
        await server.close();
      })()),
  };
}

/** `npm start`: the process environment over .env, then run until SIGTERM/SIGINT. Without Slack credentials, the playground. */
export async function main(): Promise<void> {
  const { env, problem } = environment(process.env, '.env');
  const playground = wantsPlayground(env);
  const result = playground ? null : loadConfig(env);
  const problems = [...(problem ? [problem] : []), ...(result && !result.ok ? result.problems : [])];
  // The operator's rules file is part of the configuration: its mistakes join the same list.
  let rules: OperatorRules = { rules: [], runbooks: [] };
  const rulesFile = result?.ok ? result.config.rulesFile : env.REFUSED_RULES_FILE?.trim() || null;
  if (rulesFile) {
    try {
      rules = (await import('./rules/custom.js')).loadRulesFile(rulesFile);
    } catch (err) {
      const words = (err instanceof Error ? err.message : String(err)).replace(/\n\s*/g, '\n      ');
      problems.push(`REFUSED_RULES_FILE: ${words}`);
    }
  }
  if (problems.length > 0 || (result && !result.ok)) {
    process.stderr.write(`${formatProblems(problems)}\n`);
    process.exitCode = 1;
    return;
  }
  // The playground checks its variables when it starts; until then a level it will refuse reads as info.
  const asked = env.LOG_LEVEL?.trim().toLowerCase() ?? '';
  const level: Config['logLevel'] = result?.ok ? result.config.logLevel : (['debug', 'info', 'warn', 'error'] as const).find((l) => l === asked) ?? 'info';
  const log = createLog(level);
  process.on('unhandledRejection', (reason) => log.error('unhandled_rejection', { error: reason }));
  let handle: { stop(): Promise<void>; started: Promise<void> };
  if (playground) {
    try {
      const pg = await startPlayground(env, { log, rules });
      // Said plainly as well as in the JSON log: this is the line a person looks for.
      process.stdout.write(`refused playground: ${pg.url}  (local only; put Slack tokens in .env to connect a workspace)\n`);
      handle = { stop: () => pg.stop(), started: pg.bot.started };
    } catch (err) {
      if (err instanceof ConfigProblems) process.stderr.write(`${err.message}\n`);
      else {
        const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
        const port = env.PORT?.trim() || '3000';
        log.error('start_failed', { error: err, hint: inUse ? `port ${port} is taken: set PORT to another port (PORT=0 picks a free one)` : 'see the error' });
        if (inUse) process.stderr.write(`refused playground: port ${port} on 127.0.0.1 is taken; start it with PORT=<another port> (PORT=0 picks a free one)\n`);
      }
      process.exitCode = 1;
      return;
    }
  } else {
    const config = (result as { ok: true; config: Config }).config;
    try {
      handle = await startBot(config, { log, rules });
    } catch (err) {
      // A store that cannot be used is said in one plain line, as configuration problems are.
      if (err instanceof StartError) process.stderr.write(`refused cannot start: ${err.message}\n`);
      log.error('start_failed', { error: err, hint: err instanceof StartError ? err.message : `is PORT ${config.port} free?` });
      process.exitCode = 1;
      return;
    }
  }
  const shutdown = (signal: string) => {
    log.info('signal', { signal });
    void handle.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  handle.started.catch(() => {
    void handle.stop().then(() => process.exit(1));
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
