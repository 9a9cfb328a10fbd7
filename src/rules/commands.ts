// The commands rules hand to people, each OS's syntax written once. A rule says what it wants checked
// ("test this port", "who listens on it", "the service's logs"); the builders here know that macOS's nc
// takes its connect limit as -G, that Windows has Test-NetConnection instead, that curl is curl.exe in
// PowerShell. thefuck keeps every shell's syntax in one place and its rules call it; this is that habit.
//
// Builders return Command[] (one line per OS, Linux, macOS, Windows in that order) or a single Command,
// with {placeholders} left for the engine to fill, so a step reads `commands: testPort()` or
// `commands: [...listenersOn(), serviceStatus('{unit}')]`. The string helpers (nc, sClient …) are for
// commands that run somewhere fixed, such as inside a Linux container.
import { OSES, type Command, type Os } from '../domain/types.js';

type Unix = Exclude<Os, 'windows'>;

export const linux = (run: string): Command => ({ run, os: 'linux' });
export const macos = (run: string): Command => ({ run, os: 'macos' });
export const windows = (run: string): Command => ({ run, os: 'windows' });
/** A line that reads the same on every OS (docker, kubectl, psql …): no OS label. */
export const anyOs = (run: string): Command => ({ run });

/** The same line on Linux and macOS alike (a POSIX shell on both), written once. */
export function posix(run: string): Command[] {
  return [linux(run), macos(run)];
}

// The order steps list their lines in (OSES, the closed list, has another order).
const OS_ORDER: Record<Os, number> = { linux: 0, macos: 1, windows: 2 };
const IN_ORDER = [...OSES].sort((a, b) => OS_ORDER[a] - OS_ORDER[b]);

/** One line per OS, written once as a function of the OS; a line left undefined gives that OS none. */
export function byOs(line: (os: Os) => string | undefined, oses: readonly Os[] = OSES): Command[] {
  const out: Command[] = [];
  for (const os of IN_ORDER) {
    const run = oses.includes(os) ? line(os) : undefined;
    if (run !== undefined) out.push({ run, os });
  }
  return out;
}

/** One line per OS named, in the order Linux, macOS, Windows; `posix` stands for Linux and macOS alike. */
export function perOs(lines: Partial<Record<Os | 'posix', string>>): Command[] {
  return byOs((os) => lines[os] ?? (os === 'windows' ? undefined : lines.posix));
}

/**
 * Several builders' lines merged OS by OS: every Linux line, then macOS, then Windows, each OS keeping the
 * order given; lines for every OS come last. For a step that runs two checks, so that a reader on one OS
 * finds their lines together: osByOs(httpCheck('https://…'), httpCheck('http://…')).
 */
export function osByOs(...groups: readonly Command[][]): Command[] {
  const rank = (c: Command) => (c.os ? OS_ORDER[c.os] : 3);
  // Array#sort is stable: within one OS the order of the groups holds.
  return groups.flat().sort((a, b) => rank(a) - rank(b));
}

// ——— reaching a port ———

export interface NcOptions {
  /** Seconds to wait for the connection; null: no limit (nc's own default). */
  wait?: number | null;
  /** -vz (say what happened), or -z alone for loops that print their own verdict. */
  verbose?: boolean;
  /** Extra flags before the host, such as -4 or -6. */
  flags?: string;
}

/**
 * A netcat port test. macOS's nc reads -w as an idle limit that does not bound the connect, so its connect
 * limit is -G; Linux's (OpenBSD and traditional) takes -w for both. In a container the OS is Linux.
 */
export function nc(host: string, port: string, { wait = 3, verbose = true, flags }: NcOptions = {}, os: Unix = 'linux'): string {
  const limit = wait === null ? '' : ` ${os === 'macos' ? '-G' : '-w'} ${wait}`;
  return `nc ${verbose ? '-vz' : '-z'}${limit}${flags ? ` ${flags}` : ''} ${host} ${port}`;
}

/** PowerShell's port test (ships with Windows; there is no nc). */
export function testNetConnection(host: string, port: string): string {
  return `Test-NetConnection ${host} -Port ${port}`;
}

/** Every address a name resolves to, each tested on its own (PowerShell). */
export function testNetConnectionEach(name: string, port: string): string {
  return `Resolve-DnsName ${name} | Where-Object IPAddress | ForEach-Object { ${testNetConnection('$_.IPAddress', port)} }`;
}

/** One port test in this OS's words: nc on Linux and macOS, Test-NetConnection on Windows. */
export function portTest(os: Os, host = '{host}', port = '{port}', wait = 3): string {
  return os === 'windows' ? testNetConnection(host, port) : nc(host, port, { wait }, os);
}

/** Test a TCP port from the machine the command runs on. */
export function testPort(host = '{host}', port = '{port}', wait = 3): Command[] {
  return byOs((os) => portTest(os, host, port, wait));
}

/** Test one port on several hosts in one line each (both loopbacks, say). */
export function testPorts(hosts: readonly string[], port = '{port}', wait = 3): Command[] {
  return byOs((os) => hosts.map((h) => portTest(os, h, port, wait)).join('; '));
}

/** Test a name over IPv4 and over IPv6 separately (Windows: each address it resolves to). */
export function testPortPerFamily(name = '{name}', port = '{port}', wait = 3): Command[] {
  return byOs((os) =>
    os === 'windows' ? testNetConnectionEach(name, port) : ['-4', '-6'].map((flags) => nc(name, port, { wait, flags }, os)).join('; '),
  );
}

/** Try a port `times` times in a row and print ok / FAIL for each (Windows: True / False). */
export function testPortRepeatedly(times: number, host = '{host}', port = '{port}', wait = 2): Command[] {
  return byOs((os) =>
    os === 'windows'
      ? `1..${times} | ForEach-Object { ${testNetConnection(host, port)} -InformationLevel Quiet }`
      : `for i in $(seq 1 ${times}); do ${nc(host, port, { wait, verbose: false }, os)} && echo ok || echo FAIL; done`,
  );
}

/**
 * Open a connection by hand and keep it, to watch what the server does (greets, hangs, resets). With `wait`,
 * give up after that many seconds: Linux's nc -w also ends an idle session, so `timeout` bounds it there.
 */
export function connectByHand(host = '{host}', port = '{port}', wait?: number): Command[] {
  if (wait === undefined) return posix(`nc -v ${host} ${port}`);
  return perOs({ linux: `timeout ${wait} nc -v ${host} ${port}`, macos: `nc -v -G ${wait} ${host} ${port}`, windows: testNetConnection(host, port) });
}

/** curl's name on each OS: PowerShell 5 aliases plain `curl` to Invoke-WebRequest, curl.exe is the real one. */
const curl = (os: Os) => (os === 'windows' ? 'curl.exe' : 'curl');
const devNull = (os: Os) => (os === 'windows' ? 'NUL' : '/dev/null');

/** A raw TCP session through curl (telnet://), where nc is missing; curl.exe ships with Windows 10 and later. */
export function curlTelnet(endpoint = '{endpoint}'): Command[] {
  return byOs((os) => `${curl(os)} -v telnet://${endpoint}`);
}

/** One HTTP(S) request that shows the exchange and the handshake, and throws the body away. */
export function httpCheck(url: string, oses: readonly Os[] = OSES): Command[] {
  return byOs((os) => `${curl(os)} -sv ${url} -o ${devNull(os)}`, oses);
}

/** openssl's TLS client against an endpoint, with SNI, its input closed so that it returns at once. */
export function sClient(extra = '', endpoint = '{endpoint}', servername = '{host}'): string {
  return `openssl s_client -connect ${endpoint} -servername ${servername}${extra ? ` ${extra}` : ''} </dev/null`;
}

// ——— who listens ———

/** How the Windows line of listenersOn shows a listener. */
export type WindowsListeners =
  /** The Get-NetTCPConnection rows as they are. */
  | 'plain'
  /** Address, port and process id: tells loopback-only from every interface. */
  | 'address'
  /** The owning process itself. */
  | 'process'
  /** netstat, which needs no PowerShell module and no admin. */
  | 'netstat';

const WINDOWS_LISTENERS: Record<WindowsListeners, (port: string) => string> = {
  plain: (port) => `Get-NetTCPConnection -LocalPort ${port} -State Listen`,
  address: (port) => `Get-NetTCPConnection -State Listen -LocalPort ${port} | Select-Object LocalAddress, LocalPort, OwningProcess`,
  process: (port) => `Get-NetTCPConnection -LocalPort ${port} -State Listen | ForEach-Object { Get-Process -Id $_.OwningProcess }`,
  netstat: (port) => `netstat -ano | findstr :${port}`,
};

/** ss's line for the listeners on one port; -p (the process) shows other users' processes only with sudo. */
export function ssListening(port = '{port}', sudo = true): string {
  return `${sudo ? 'sudo ' : ''}ss -ltnp 'sport = :${port}'`;
}

/** What listens on one port, on which address, and which process holds it. */
export function listenersOn(port = '{port}', { sudo = true, windows: win = 'plain' }: { sudo?: boolean; windows?: WindowsListeners } = {}): Command[] {
  return perOs({
    linux: ssListening(port, sudo),
    macos: `${sudo ? 'sudo ' : ''}lsof -nP -iTCP:${port} -sTCP:LISTEN`,
    windows: WINDOWS_LISTENERS[win](port),
  });
}

/** Every listening TCP port with its process. */
export function allListeners({ sudo = true }: { sudo?: boolean } = {}): Command[] {
  const s = sudo ? 'sudo ' : '';
  return perOs({ linux: `${s}ss -ltnp`, macos: `${s}lsof -nP -iTCP -sTCP:LISTEN`, windows: 'Get-NetTCPConnection -State Listen | Sort-Object LocalPort' });
}

/** A listener's accept queue (Recv-Q against Send-Q) and the kernel's overflow counters (Linux). */
export function acceptQueue(port = '{port}'): Command[] {
  return [linux(`ss -ltn 'sport = :${port}'`), linux('nstat -az TcpExtListenOverflows TcpExtListenDrops')];
}

// ——— services ———

/** systemd's view of a unit. */
export function serviceStatus(unit = '{unit}', { sudo = false }: { sudo?: boolean } = {}): Command {
  return linux(`${sudo ? 'sudo ' : ''}systemctl status ${unit}`);
}

export function serviceStart(unit = '{unit}'): Command {
  return linux(`sudo systemctl start ${unit}`);
}

export function serviceRestart(unit = '{unit}'): Command {
  return linux(`sudo systemctl restart ${unit}`);
}

/** A unit's last lines in the journal, or its lines since a time ('1 hour ago') cut to the last `lines`. */
export function serviceLogs(unit = '{unit}', { lines = 50, since }: { lines?: number; since?: string } = {}): Command {
  return linux(since ? `journalctl -u ${unit} --since '${since}' --no-pager | tail -n ${lines}` : `journalctl -u ${unit} -n ${lines} --no-pager`);
}

/** Homebrew's services and whether each runs (macOS has no systemd). */
export function brewServices(): Command {
  return macos('brew services list');
}

/** Windows services whose name holds this word. */
export function windowsServices(name = '{service}'): string {
  return `Get-Service *${name}*`;
}

/** The last lines a program wrote, wherever it runs: systemd, Docker, Kubernetes. */
export function recentLogs(unit = '{unit}', lines = 100): Command[] {
  return [serviceLogs(unit, { lines }), containerLogs('<container>', lines), anyOs(`kubectl logs <pod> --tail ${lines}`)];
}

// ——— containers ———

/** docker ps as a table of these columns (Names, Status, Ports, Image …); `all` includes stopped ones. */
export function containers(columns: readonly string[], { all = false, note }: { all?: boolean; note?: string } = {}): Command {
  const table = columns.map((c) => `{{.${c}}}`).join('\\t');
  return anyOs(`docker ps${all ? ' -a' : ''} --format 'table ${table}'${note ? `   # ${note}` : ''}`);
}

export function containerLogs(container = '<container>', tail = 50): Command {
  return anyOs(`docker logs --tail ${tail} ${container}`);
}

/** Which host ports a container's ports are published on. */
export function publishedPorts(container = '<container>'): Command {
  return anyOs(`docker port ${container}`);
}

/** Compose's services and their state; `all` includes stopped ones. */
export function composePs({ all = false, service }: { all?: boolean; service?: string } = {}): Command {
  return anyOs(`docker compose ps${all ? ' -a' : ''}${service ? ` ${service}` : ''}`);
}

/** A command run inside a Compose service's container (a Linux one, whatever the host runs). */
export function composeExec(service: string, command: string): Command {
  return anyOs(`docker compose exec ${service} ${command}`);
}

export function composeLogs(service: string, tail = 50): Command {
  return anyOs(`docker compose logs --tail ${tail} ${service}`);
}

/** The EndpointSlices behind a Kubernetes Service: none ready means nothing serves it. */
export function serviceEndpoints(service = '<service>', namespace?: string): Command {
  return anyOs(`kubectl get endpointslices${namespace ? ` -n ${namespace}` : ''} -l kubernetes.io/service-name=${service}`);
}

// ——— names ———

/** What the system resolver answers (hosts file, mDNS, VPN resolvers included): what a program gets. */
export function systemLookup(os: Os, host = '{host}'): string {
  return os === 'linux' ? `getent ahosts ${host}` : os === 'macos' ? `dscacheutil -q host -a name ${host}` : `Resolve-DnsName ${host}`;
}

/** What the DNS servers answer, past the hosts file (dig on Linux and macOS alike: 'posix'). */
export function dnsLookup(os: Os | 'posix', host = '{host}'): string {
  return os === 'windows' ? `Resolve-DnsName ${host} -DnsOnly` : `dig +short ${host}`;
}

/** How the system resolver answers for a name, on each OS. */
export function resolveName(host = '{host}'): Command[] {
  return byOs((os) => systemLookup(os, host));
}

// ——— firewalls ———

/** Allow a TCP port inbound in the host firewall: ufw or firewalld on Linux, Windows Defender Firewall. */
export function allowPort(port = '{port}'): Command[] {
  return [
    linux(`sudo ufw allow from <client network> to any port ${port} proto tcp`),
    linux(`sudo firewall-cmd --permanent --add-port=${port}/tcp && sudo firewall-cmd --reload`),
    windows(`New-NetFirewallRule -DisplayName 'Allow TCP ${port}' -Direction Inbound -Protocol TCP -LocalPort ${port} -Action Allow`),
  ];
}

/** The rules of the Linux firewall front-ends (ufw, firewalld), which sit on nftables or iptables. */
export function firewallFrontends(): Command[] {
  return [linux('sudo ufw status verbose'), linux('sudo firewall-cmd --list-all')];
}

// ——— environment ———

/** Set an environment variable for the programs started after it (a path per shell: POSIX, PowerShell). */
export function setEnv(name: string, value: { posix: string; windows: string }, note?: string): Command[] {
  const tail = note ? `   # ${note}` : '';
  return perOs({ posix: `export ${name}=${value.posix}${tail}`, windows: `$env:${name} = '${value.windows}'${tail}` });
}

// ——— proxies ———

/** The proxy settings a program started from here inherits: the environment, and the system's own (macOS, Windows). */
export function proxySettings(): Command[] {
  return perOs({
    linux: 'env | grep -i _proxy',
    macos: 'env | grep -i _proxy; scutil --proxy',
    windows: "Get-ChildItem Env: | Where-Object Name -like '*proxy*'; netsh winhttp show proxy",
  });
}

/**
 * Send the programs started from this shell through a proxy, with NO_PROXY for what must stay direct. Both spellings
 * on Linux and macOS: curl reads http_proxy in lower case only, other tools want upper case.
 */
export function setProxyEnv(proxyUrl = '{proxyUrl}', noProxy = '{noProxy}'): Command[] {
  const names = (n: string) => [n.toUpperCase(), n.toLowerCase()];
  const posix = [...names('https_proxy').map((n) => `${n}=${proxyUrl}`), ...names('http_proxy').map((n) => `${n}=${proxyUrl}`), ...names('no_proxy').map((n) => `${n}=${noProxy}`)];
  return perOs({
    posix: `export ${posix.join(' ')}`,
    windows: `$env:HTTPS_PROXY = '${proxyUrl}'; $env:HTTP_PROXY = '${proxyUrl}'; $env:NO_PROXY = '${noProxy}'`,
  });
}

/** The proxy settings git, npm, pip, Maven and Gradle keep of their own, where the environment does not reach. */
export function toolProxySettings(): Command[] {
  return [
    anyOs('git config --show-origin --get-regexp proxy'),
    anyOs('npm config get proxy; npm config get https-proxy'),
    anyOs('pip config list'),
    ...perOs({
      posix: 'grep -n -i proxy ~/.m2/settings.xml ~/.gradle/gradle.properties gradle.properties 2>/dev/null',
      windows: 'Select-String -Pattern proxy -Path "$HOME\\.m2\\settings.xml", "$HOME\\.gradle\\gradle.properties", "gradle.properties" -ErrorAction SilentlyContinue',
    }),
  ];
}

/** Point each tool at the proxy itself: git, npm, pip (one command), and a JVM (Maven, Gradle, any java). */
export function setToolProxy(proxyUrl = '{proxyUrl}', proxyHost = '{proxyHost}', proxyPort = '{proxyPort}'): Command[] {
  return [
    anyOs(`git config --global http.proxy ${proxyUrl}`),
    anyOs(`npm config set proxy ${proxyUrl}; npm config set https-proxy ${proxyUrl}`),
    anyOs(`pip install --proxy ${proxyUrl} <package>`),
    anyOs(`java -Dhttps.proxyHost=${proxyHost} -Dhttps.proxyPort=${proxyPort} -Dhttp.proxyHost=${proxyHost} -Dhttp.proxyPort=${proxyPort} -Dhttp.nonProxyHosts="localhost|127.0.0.1" …`),
  ];
}

/** Take out proxy settings that point at a proxy that is gone: git's, npm's and the shell's. */
export function clearToolProxy(): Command[] {
  return [
    anyOs('git config --global --unset http.proxy; git config --global --unset https.proxy'),
    anyOs('npm config delete proxy; npm config delete https-proxy'),
    ...perOs({
      posix: 'unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy ALL_PROXY all_proxy',
      windows: 'Remove-Item Env:HTTPS_PROXY, Env:HTTP_PROXY, Env:ALL_PROXY -ErrorAction SilentlyContinue',
    }),
  ];
}

// ——— local ports ———

/** How many TCP sockets this machine holds in each state (a pile in TIME_WAIT: connections opened and closed fast). */
export function socketStates(): Command[] {
  return perOs({
    linux: 'ss -s; ss -tan state time-wait | wc -l',
    macos: "netstat -an -p tcp | awk '/^tcp/ {print $6}' | sort | uniq -c | sort -rn",
    windows: 'Get-NetTCPConnection | Group-Object State | Sort-Object Count -Descending | Select-Object Count, Name',
  });
}

/** Which far ends hold the most sockets in TIME_WAIT: the destination a program keeps reconnecting to. */
export function timeWaitPeers(): Command[] {
  return perOs({
    linux: "ss -tan state time-wait | awk 'NR>1 {print $4}' | sort | uniq -c | sort -rn | head",
    macos: "netstat -an -p tcp | awk '/TIME_WAIT/ {print $5}' | sort | uniq -c | sort -rn | head",
    windows: 'Get-NetTCPConnection -State TimeWait | Group-Object RemoteAddress, RemotePort | Sort-Object Count -Descending | Select-Object -First 10 Count, Name',
  });
}

/** The local ports the OS hands to outgoing connections (and, on Linux, whether TIME_WAIT ports may be reused). */
export function ephemeralPortRange(): Command[] {
  return perOs({
    linux: 'sysctl net.ipv4.ip_local_port_range net.ipv4.tcp_tw_reuse',
    macos: 'sysctl net.inet.ip.portrange.first net.inet.ip.portrange.last',
    windows: 'netsh int ipv4 show dynamicport tcp',
  });
}

/** Widen that range: more ports before the next connect fails. A stopgap beside reusing connections. */
export function widenEphemeralPorts(): Command[] {
  return perOs({
    linux: 'sudo sysctl -w net.ipv4.ip_local_port_range="10000 65000"',
    macos: 'sudo sysctl -w net.inet.ip.portrange.first=10000',
    windows: 'netsh int ipv4 set dynamicport tcp start=10000 num=55536',
  });
}

// ——— local policy ———

/** What SELinux and AppArmor denied lately (the audit log names the program and what it tried). */
export function securityModuleDenials(): Command[] {
  return [
    linux('getenforce; sudo ausearch -m avc -ts recent'),
    linux("sudo aa-status; sudo journalctl -k --since '1 hour ago' | grep -i 'apparmor=\"DENIED\"'"),
  ];
}

/** An SELinux boolean, read and then set for good (-P survives a reboot). */
export function seBoolean(name = '{sebool}'): Command[] {
  return [linux(`getsebool ${name}`), linux(`sudo setsebool -P ${name} 1`)];
}

/** This machine's own rules for outgoing traffic: a rule there can stop a connect before anything is sent. */
export function outgoingFirewallRules(): Command[] {
  return [
    linux('sudo nft list ruleset'),
    linux('sudo iptables -S OUTPUT'),
    macos('sudo pfctl -sr'),
    windows('Get-NetFirewallRule -Direction Outbound -Action Block -Enabled True | Format-Table DisplayName, Profile'),
  ];
}
