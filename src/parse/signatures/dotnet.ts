// .NET: HttpRequestException and SocketException, SqlClient, StackExchange.Redis; and two shapes others print too
// (Winsock's "actively refused it", "Failed to connect to h:p").
import { byNumber, byText, ep, merge } from '../patterns.js';
import type { Signature } from './row.js';

export const DOTNET: readonly Signature[] = [
  {
    // HttpRequestException: Connection refused (localhost:5000) · SocketException (111): Connection refused
    // SocketException (10061): No connection could be made because the target machine actively refused it.
    id: 'dotnet-exception', runtime: 'dotnet', client: null, kind: null, weight: 3, pre: ['httprequestexception', 'socketexception'],
    re: /(HttpRequestException|SocketException)(?: \((?:(\d{1,6})(?:, 0x[0-9A-Fa-f]{1,8})?|0x[0-9A-Fa-f]{1,8})\))?: ([^\n]{1,300})/,
    extract: (m) => {
      const text = m[3]!;
      // Dart's SocketException has its own row (dart-socket).
      if (/\bOS Error: /.test(text)) return null;
      const k = merge(m[2] ? byNumber(m[2], text) : {}, byText(text));
      const target = /\(([^()\s]{1,300}:\d{1,5})\)\s*$/.exec(text) ?? /\(([^()\s]{1,300}:\d{1,5})\)/.exec(text);
      const e = target ? ep(target[1]) : {};
      if (!k.kind) return Object.keys(e).length ? e : null;
      if (/actively refused/.test(text)) k.os = 'windows';
      return merge(k, e);
    },
  },
  {
    // Winsock's words for 10061, printed by .NET, Go (connectex), Python (WinError), Ruby and others.
    id: 'windows-actively-refused', runtime: null, client: null, kind: 'refused', weight: 3, pre: 'actively refused',
    re: /actively refused it\.?(?: ?\(?((?:\[[^\]\s]{2,60}\]|[^\s()\[\]]{1,300}):\d{1,5})\)?)?/,
    extract: (m) => ({ ...ep(m[1]), errno: 'ECONNREFUSED', os: 'windows' }),
  },
  {
    // SqlClient: (provider: TCP Provider, error: 40 - Could not open a connection to SQL Server)
    id: 'sqlclient-tcp-provider', runtime: 'dotnet', client: 'sqlclient', kind: null, weight: 1, pre: 'provider: tcp provider',
    re: /provider: TCP Provider, error: (\d{1,5}) - ([^)\n]{1,200})/,
    extract: (m) => {
      const k = byText(m[2]);
      if (k.kind) return k;
      return /Could not open a connection/.test(m[2]!) ? { kind: 'refused', errno: 'ECONNREFUSED' } : null;
    },
  },
  {
    // StackExchange.Redis: It was not possible to connect to the redis server(s). UnableToConnect on localhost:6379/Interactive
    id: 'stackexchange-redis', runtime: 'dotnet', client: 'stackexchange.redis', service: 'redis', kind: 'refused', weight: 2,
    pre: 'unabletoconnect on', re: /UnableToConnect on ([^\s/]{1,300})/,
    extract: (m) => ({ ...ep(m[1]), errno: 'ECONNREFUSED' }),
  },
  {
    // Npgsql / okhttp / others: Failed to connect to 127.0.0.1:5432
    id: 'failed-to-connect-hostport', runtime: null, client: null, kind: null, weight: 1, pre: 'failed to connect to',
    re: /Failed to connect to ((?:[A-Za-z0-9_.-]{0,253}\/)?(?:\[[^\]\s]{2,60}\]|[^\s\[\]]{1,300}):\d{1,5})\b/,
    extract: (m) => {
      const e = ep(m[1]);
      return e.host ? e : null;
    },
  },
];
