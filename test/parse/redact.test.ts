// redact() masks each kind of secret, and no field of the Facts parsed from a paste carries one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse, redact } from '../../src/parse/index.js';

// Each case: a line with a secret in it, and the secret that must not survive.
const CASES: { name: string; text: string; secret: string; keep?: string }[] = [
  { name: 'URL password', text: 'DATABASE_URL=postgres://app:Tr0ub4dor@db:5432/app', secret: 'Tr0ub4dor', keep: 'postgres://app:****@db:5432/app' },
  { name: 'redis URL password only', text: 'redis://:s3cr3tpass@cache:6379/0', secret: 's3cr3tpass', keep: 'redis://:****@cache:6379/0' },
  { name: 'amqp URL in celery banner', text: 'Cannot connect to amqp://guest:guestpw@127.0.0.1:5672//', secret: 'guestpw' },
  { name: 'password= pair', text: 'host=db port=5432 user=app password=hunter2 sslmode=require', secret: 'hunter2', keep: 'sslmode=require' },
  { name: 'pwd= pair', text: 'Server=sql1;Database=app;Uid=sa;Pwd=Passw0rd!;', secret: 'Passw0rd!' },
  { name: 'secret: yaml', text: 'client_secret: abcDEF123456ghi', secret: 'abcDEF123456ghi' },
  { name: 'DB_PASSWORD env', text: 'DB_PASSWORD=laravelpass', secret: 'laravelpass' },
  { name: 'JSON password', text: '{"user":"svc","password":"p@ss-w0rd-99"}', secret: 'p@ss-w0rd-99' },
  { name: 'Authorization header', text: 'Authorization: Basic dXNlcjpwYXNzd29yZA==', secret: 'dXNlcjpwYXNzd29yZA==' },
  { name: 'Proxy-Authorization header', text: '> Proxy-Authorization: Basic cHJveHk6c2VjcmV0', secret: 'cHJveHk6c2VjcmV0' },
  { name: 'Bearer token', text: "headers: { token_type: 'x', auth: 'Bearer abcdefghijklmnop1234' }", secret: 'abcdefghijklmnop1234' },
  { name: 'Slack bot token', text: 'SLACK_BOT=xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp', secret: 'AbCdEfGhIjKlMnOp' },
  { name: 'Slack user token', text: 'using xoxp-11111111-22222222-33333333-abcdef0123456789', secret: 'abcdef0123456789' },
  { name: 'Slack app token', text: 'app token xapp-1-A0123456789-1234567890123-deadbeefcafe', secret: 'deadbeefcafe' },
  { name: 'JWT', text: 'cookie=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', secret: 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U' },
  { name: 'AWS access key id', text: 'aws key AKIAIOSFODNN7EXAMPLE in the log', secret: 'AKIAIOSFODNN7EXAMPLE' },
  { name: 'AWS secret key', text: 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  { name: 'GitHub token', text: 'git clone https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/x/y', secret: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' },
  { name: 'GitHub fine-grained token', text: 'GH=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz', secret: '11ABCDEFG0123456789_abcdefghij' },
  { name: 'api_key pair', text: 'GET /v1/data?api_key=0123456789abcdef&page=2', secret: '0123456789abcdef', keep: 'page=2' },
  { name: 'token pair', text: 'token=tok_live_9f8e7d6c5b4a', secret: 'tok_live_9f8e7d6c5b4a' },
  { name: 'mysql -p', text: '$ mysql -h 127.0.0.1 -u root -psupersecret', secret: 'supersecret' },
];

for (const c of CASES) {
  test(`redact masks a ${c.name}`, () => {
    const out = redact(c.text);
    assert.ok(!out.includes(c.secret), `${c.name}: secret survived in ${out}`);
    assert.ok(out.includes('****'), `${c.name}: no mask in ${out}`);
    if (c.keep) assert.ok(out.includes(c.keep), `${c.name}: lost "${c.keep}" in ${out}`);
  });

  test(`Facts from a paste with a ${c.name} never carry it`, () => {
    // The secret sits next to a real error, in the line the verdict rests on and in the context.
    const paste = `${c.text}\nError: connect ECONNREFUSED 127.0.0.1:5432 ${c.text}\n    at TCPConnectWrap.afterConnect (node:net:1555:16)`;
    const facts = parse(paste);
    assert.equal(facts.kind, 'refused');
    assert.ok(!JSON.stringify(facts).includes(c.secret), `${c.name}: secret in ${JSON.stringify(facts)}`);
  });
}

test('a password in a DSN that becomes the target is masked in every field', () => {
  const facts = parse("sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at \"db\" (10.0.0.9), port 5432 failed: Connection refused\nengine = create_engine('postgresql://svc:VerySecret1@db:5432/app')");
  assert.equal(facts.host, 'db');
  assert.ok(!JSON.stringify(facts).includes('VerySecret1'));
});

test('text without secrets is unchanged', () => {
  const plain = 'Error: connect ECONNREFUSED 127.0.0.1:5432\n  at TCPConnectWrap.afterConnect (node:net:1555:16)\nhttp://localhost:8080/api?page=2';
  assert.equal(redact(plain), plain);
});

test('property: a password in a URL never reaches Facts', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[A-Za-z0-9!$%^*_+~-]{8,24}$/), fc.constantFrom('postgres', 'redis', 'amqp', 'mongodb', 'https'), (pw, scheme) => {
      fc.pre(!/\*/.test(pw));
      const facts = parse(`consumer: Cannot connect to ${scheme}://user:${pw}@10.1.1.1:1234/x: Error 111 connecting to 10.1.1.1:1234. Connection refused.`);
      return !JSON.stringify(facts).includes(pw);
    }),
    { numRuns: 200 },
  );
});

test('an HTTP verb after "token:" is a message, not a secret; a real token value still goes', () => {
  const line = 'failed to fetch anonymous token: Get "https://auth.registry.lan/token?scope=pull": dial tcp 10.0.0.9:443: i/o timeout';
  assert.equal(redact(line), line);
  assert.ok(!redact('token: 9f8e7d6c5b4a').includes('9f8e7d6c5b4a'));
});

test('a URL path ending in /token is not a key: the message after it (a bare host) stays; a real key still goes', () => {
  const line = 'ResourceAccessException: I/O error on POST request for "https://login.example.net/oauth/token": login.example.net';
  assert.equal(redact(line), line);
  assert.ok(!redact('access_token: 1a2b3c4d5e6f').includes('1a2b3c4d5e6f'));
  assert.ok(!redact('"token": "9f8e7d6c5b4a"').includes('9f8e7d6c5b4a'));
});
