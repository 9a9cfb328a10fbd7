// A tiny authoritative DNS server for the network lab: answers A and AAAA for the lab's own names and
// NXDOMAIN for every other name, over UDP. Plain JS so it runs without a build.
//
//   node dns.mjs --bind 10.213.1.2 --port 53 --records '{"db.lab.test":["10.213.2.2","fd7a:213:0:2::2"]}'
//
// Prints "READY <address> <port>" once bound. Exits by itself after --ttl seconds (default 300) so a
// crashed test run cannot leave it answering forever.
import dgram from 'node:dgram';
import net from 'node:net';
import { parseArgs } from 'node:util';

// node --test runs every .mjs under a test/ folder as a test file: without arguments there is nothing to
// serve, so leave quietly instead of failing someone else's run.
if (process.argv.length <= 2) process.exit(0);

const { values } = parseArgs({
  options: {
    bind: { type: 'string' },
    port: { type: 'string', default: '53' },
    records: { type: 'string', default: '{}' },
    ttl: { type: 'string', default: '300' },
  },
});
if (!values.bind) {
  console.error('dns.mjs: --bind <address> is required');
  process.exit(2);
}

/** name (lower case, no trailing dot) → addresses. */
const records = new Map();
for (const [name, addrs] of Object.entries(JSON.parse(values.records))) {
  records.set(name.toLowerCase().replace(/\.$/, ''), addrs);
}

const TYPE_A = 1;
const TYPE_AAAA = 28;
const RCODE_NXDOMAIN = 3;
const RCODE_FORMERR = 1;
const RCODE_NOTIMP = 4;

/** Reads the question name at `offset`; null when the packet is malformed or uses a pointer (queries never do). */
function readName(buf, offset) {
  const labels = [];
  let i = offset;
  for (let guard = 0; guard < 128; guard++) {
    if (i >= buf.length) return null;
    const len = buf[i];
    if (len === 0) return { name: labels.join('.').toLowerCase(), next: i + 1 };
    if (len > 63 || i + 1 + len > buf.length) return null;
    labels.push(buf.toString('latin1', i + 1, i + 1 + len));
    i += 1 + len;
  }
  return null;
}

function addressBytes(address) {
  if (net.isIPv4(address)) return Buffer.from(address.split('.').map(Number));
  // Expand "::" so every IPv6 address becomes 8 groups of 16 bits.
  const [head, tail] = address.includes('::') ? address.split('::') : [address, null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === null ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, k) => out.writeUInt16BE(parseInt(g, 16), k * 2));
  return out;
}

function answer(query) {
  if (query.length < 12) return null;
  const id = query.readUInt16BE(0);
  const flags = query.readUInt16BE(2);
  if (flags & 0x8000) return null; // a response, not a query
  const opcode = (flags >> 11) & 0xf;
  const rd = flags & 0x0100;
  const qdcount = query.readUInt16BE(4);
  const header = (rcode, ancount, questionBytes) => {
    const h = Buffer.alloc(12);
    h.writeUInt16BE(id, 0);
    // QR, the query's opcode, AA (we are the authority for the lab), RD copied, RA, rcode.
    h.writeUInt16BE(0x8000 | (opcode << 11) | 0x0400 | rd | 0x0080 | rcode, 2);
    h.writeUInt16BE(questionBytes ? 1 : 0, 4);
    h.writeUInt16BE(ancount, 6);
    return h;
  };
  if (opcode !== 0) return header(RCODE_NOTIMP, 0, null);
  if (qdcount !== 1) return header(RCODE_FORMERR, 0, null);
  const q = readName(query, 12);
  if (!q || q.next + 4 > query.length) return header(RCODE_FORMERR, 0, null);
  const qtype = query.readUInt16BE(q.next);
  const question = query.subarray(12, q.next + 4);
  const addrs = records.get(q.name);
  if (!addrs) return Buffer.concat([header(RCODE_NXDOMAIN, 0, question), question]);
  const wanted = qtype === TYPE_A ? addrs.filter((a) => net.isIPv4(a)) : qtype === TYPE_AAAA ? addrs.filter((a) => net.isIPv6(a)) : [];
  const answers = wanted.map((a) => {
    const rdata = addressBytes(a);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // a pointer to the question's name at offset 12
    rr.writeUInt16BE(qtype, 2);
    rr.writeUInt16BE(1, 4); // class IN
    rr.writeUInt32BE(5, 6); // short TTL: the lab changes between scenarios
    rr.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([rr, rdata]);
  });
  // A known name without records of the asked type is NODATA: NOERROR with no answers.
  return Buffer.concat([header(0, answers.length, question), question, ...answers]);
}

const socket = dgram.createSocket(net.isIPv6(values.bind) ? 'udp6' : 'udp4');
socket.on('message', (msg, rinfo) => {
  const reply = answer(msg);
  if (process.env.REFUSED_LAB_VERBOSE === '1') {
    const q = readName(msg, 12);
    process.stderr.write(`[dns] ${rinfo.address} asks ${q ? q.name : '?'} type ${q && q.next + 2 <= msg.length ? msg.readUInt16BE(q.next) : '?'} → rcode ${reply ? reply.readUInt16BE(2) & 0xf : 'none'}\n`);
  }
  if (reply) socket.send(reply, rinfo.port, rinfo.address);
});
socket.on('error', (err) => {
  console.error(`dns.mjs: ${err.message}`);
  process.exit(1);
});
socket.bind(Number(values.port), values.bind, () => {
  process.stdout.write(`READY ${values.bind} ${values.port}\n`);
});
setTimeout(() => process.exit(0), Number(values.ttl) * 1000);
