// redact() masks each kind of secret, and no field of the Facts parsed from a paste carries one. Ordinary
// words, ports and flags that only look like secrets stay. Every rule stays linear on hostile input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse, redact } from '../../src/parse/index.js';
import { fake } from '../safety/fake-secrets.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
/** A key body as PEM writes it: 64 characters a line. */
const pemLines = (seed: number, length: number, lead = 'MII') => `${lead}${fake(seed, length - lead.length)}`.match(/.{1,64}/g) ?? [];

const RSA_BODY = pemLines(11, 1100);
const SSH_BODY = pemLines(12, 560, 'b3BlbnNzaC1rZXktdjEAAAAA');
const EC_BODY = pemLines(13, 300, 'MHcCAQEE');
const ENC_BODY = pemLines(14, 900);
const P8_BODY = pemLines(15, 1200, 'MIIFHDBOBgkqhkiG9w0BBQ0w');
const GCP_BODY = pemLines(16, 1600, 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC');
const GCP_KEY_ID = fake(17, 40, HEX);
const AZ_KEY = `${fake(18, 86)}==`;
const SB_KEY = `${fake(19, 43)}=`;
const SAS_SIG = encodeURIComponent(`${fake(20, 43)}=`);
const AWS_SECRET = fake(21, 40);
const AWS_SECRET_2 = fake(22, 40);
const REDIS = 'cache.lan:6379';
const refusedRedis = `Error: connect ECONNREFUSED 10.20.30.40:6379`;
const dialPg = 'dial tcp 10.0.0.12:5432: connect: connection refused';
const curlRefused = 'curl: (7) Failed to connect to search.lan port 9200 after 2 ms: Connection refused';

// Each case: text with a secret in it, the secret(s) of which no 8-character part may survive, and text
// around them that must stay as it is.
const CASES: { name: string; text: string; secret: string | string[]; keep?: string | string[] }[] = [
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
  {
    name: 'JWT',
    text: 'cookie=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    secret: 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  },
  { name: 'AWS access key id', text: 'aws key AKIAIOSFODNN7EXAMPLE in the log', secret: 'AKIAIOSFODNN7EXAMPLE' },
  { name: 'AWS secret key', text: 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  {
    name: 'GitHub token',
    text: 'git clone https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/x/y',
    secret: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
  },
  { name: 'GitHub fine-grained token', text: 'GH=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz', secret: '11ABCDEFG0123456789_abcdefghij' },
  { name: 'api_key pair', text: 'GET /v1/data?api_key=0123456789abcdef&page=2', secret: '0123456789abcdef', keep: 'page=2' },
  { name: 'token pair', text: 'token=tok_live_9f8e7d6c5b4a', secret: 'tok_live_9f8e7d6c5b4a' },
  { name: 'mysql -p', text: '$ mysql -h 127.0.0.1 -u root -psupersecret', secret: 'supersecret' },
  // Private key blocks: whole, with headers, cut off, and inside JSON (a service-account file).
  {
    name: 'RSA private key block',
    text: `-----BEGIN RSA PRIVATE KEY-----\n${RSA_BODY.join('\n')}\n-----END RSA PRIVATE KEY-----\n${refusedRedis}`,
    secret: RSA_BODY,
    keep: ['-----BEGIN RSA PRIVATE KEY-----', '-----END RSA PRIVATE KEY-----', refusedRedis],
  },
  {
    name: 'OpenSSH private key block',
    text: `$ cat ~/.ssh/id_ed25519\n-----BEGIN OPENSSH PRIVATE KEY-----\n${SSH_BODY.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\nssh: connect to host bastion.lan port 22: Connection refused`,
    secret: SSH_BODY,
    keep: 'ssh: connect to host bastion.lan port 22: Connection refused',
  },
  {
    name: 'EC private key cut off before its END line',
    text: `tls:\n  key: |\n    -----BEGIN EC PRIVATE KEY-----\n    ${EC_BODY.join('\n    ')}\n${dialPg}`,
    secret: EC_BODY,
    keep: ['key: |', dialPg],
  },
  {
    name: 'encrypted PEM key with Proc-Type and DEK-Info headers',
    text: `-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,${fake(23, 32, '0123456789ABCDEF')}\n\n${ENC_BODY.join('\n')}\n-----END RSA PRIVATE KEY-----\n${refusedRedis}`,
    secret: ENC_BODY,
    keep: refusedRedis,
  },
  {
    name: 'PKCS#8 ENCRYPTED PRIVATE KEY block',
    text: `${curlRefused}\nclient key:\n-----BEGIN ENCRYPTED PRIVATE KEY-----\n${P8_BODY.join('\n')}\n-----END ENCRYPTED PRIVATE KEY-----`,
    secret: P8_BODY,
    keep: curlRefused,
  },
  {
    name: 'GCP service-account JSON',
    text: `${JSON.stringify({ type: 'service_account', project_id: 'demo-proj-4711', private_key_id: GCP_KEY_ID, private_key: `-----BEGIN PRIVATE KEY-----\n${GCP_BODY.join('\n')}\n-----END PRIVATE KEY-----\n`, client_email: 'runner@demo-proj-4711.iam.gserviceaccount.com', client_id: '104857600123456789012' }, null, 2)}\n${dialPg}`,
    secret: [GCP_KEY_ID, ...GCP_BODY],
    keep: ['"client_email": "runner@demo-proj-4711.iam.gserviceaccount.com"', '"client_id": "104857600123456789012"', '"project_id": "demo-proj-4711"', dialPg],
  },
  {
    name: 'service-account JSON cut off in a log line',
    text: `{"level":"error","msg":"${dialPg}","credentials":${JSON.stringify(JSON.stringify({ private_key: `-----BEGIN PRIVATE KEY-----\n${GCP_BODY.join('\n')}\n-----END PRIVATE KEY-----\n` })).slice(0, 700)}…`,
    secret: GCP_BODY.slice(0, 8),
    keep: dialPg,
  },
  // Azure: storage and Service Bus connection strings, SAS tokens.
  {
    name: 'Azure storage AccountKey',
    text: `RestError: connect ECONNREFUSED 127.0.0.1:10000\nAZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=http;AccountName=devstoreacct1;AccountKey=${AZ_KEY};BlobEndpoint=http://127.0.0.1:10000/devstoreacct1;`,
    secret: AZ_KEY,
    keep: ['RestError: connect ECONNREFUSED 127.0.0.1:10000', 'AccountName=devstoreacct1', 'BlobEndpoint=http://127.0.0.1:10000/devstoreacct1'],
  },
  {
    name: 'Azure Service Bus SharedAccessKey',
    text: `ServiceBusError: connect ECONNREFUSED 10.4.0.8:5671 (Endpoint=sb://orders-bus.servicebus.windows.net/;SharedAccessKeyName=sender;SharedAccessKey=${SB_KEY})`,
    secret: SB_KEY,
    keep: ['connect ECONNREFUSED 10.4.0.8:5671', 'Endpoint=sb://orders-bus.servicebus.windows.net/'],
  },
  {
    name: 'Azure SAS token sig=',
    text: `Error: connect ECONNREFUSED 10.1.2.3:443 while fetching https://demoacct.blob.core.windows.net/backups/db.bak?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00%3A00%3A00Z&sig=${SAS_SIG}`,
    secret: SAS_SIG,
    keep: ['connect ECONNREFUSED 10.1.2.3:443', 'https://demoacct.blob.core.windows.net/backups/db.bak?sv=2022-11-02&ss=b'],
  },
  // Bare tokens that need no key word.
  {
    name: 'Stripe secret, restricted and test keys',
    text: `stripe.error.APIConnectionError: connect ECONNREFUSED 10.9.9.9:443 (key sk_live_51Qz${fake(24, 60, ALNUM)}, rk_live_51Qz${fake(25, 60, ALNUM)}, sk_test_4eQx${fake(26, 20, ALNUM)})`,
    secret: [`51Qz${fake(24, 60, ALNUM)}`, `51Qz${fake(25, 60, ALNUM)}`, `4eQx${fake(26, 20, ALNUM)}`],
    keep: 'connect ECONNREFUSED 10.9.9.9:443',
  },
  {
    name: 'Twilio API key SID and auth token',
    text: `twilio: connect ECONNREFUSED 10.7.7.7:443\nTWILIO_ACCOUNT_SID=AC${fake(27, 32, HEX)}\nusing API key SK${fake(28, 32, HEX)}\nTWILIO_AUTH_TOKEN=${fake(29, 32, HEX)}`,
    secret: [fake(28, 32, HEX), fake(29, 32, HEX)],
    keep: [`TWILIO_ACCOUNT_SID=AC${fake(27, 32, HEX)}`, 'connect ECONNREFUSED 10.7.7.7:443'],
  },
  {
    name: 'SendGrid API key',
    text: `Error: connect ECONNREFUSED 10.3.3.3:587 sending with SG.${fake(30, 22, `${ALNUM}_-`)}.${fake(31, 43, `${ALNUM}_-`)}`,
    secret: [fake(30, 22, `${ALNUM}_-`), fake(31, 43, `${ALNUM}_-`)],
    keep: 'connect ECONNREFUSED 10.3.3.3:587',
  },
  {
    name: 'npm tokens',
    text: `npm ERR! request to https://npm.corp.lan:4873/left-pad failed, reason: connect ECONNREFUSED 10.2.2.2:4873\n//npm.corp.lan:4873/:_authToken=npm_${fake(32, 36, ALNUM)}\nNPM_TOKEN was npm_${fake(33, 36, ALNUM)}`,
    secret: [fake(32, 36, ALNUM), fake(33, 36, ALNUM)],
    keep: ['connect ECONNREFUSED 10.2.2.2:4873', '//npm.corp.lan:4873/:_authToken='],
  },
  {
    name: 'Google API key, OAuth client secret and access token',
    text: `GET https://maps.corp.lan:8443/geocode?key=AIza${fake(34, 35, `${ALNUM}_-`)} failed: connect ECONNREFUSED 10.5.5.5:8443\nGOCSPX-${fake(35, 28, `${ALNUM}_-`)} ya29.${fake(36, 120, `${ALNUM}_-`)}`,
    secret: [fake(34, 35, `${ALNUM}_-`), fake(35, 28, `${ALNUM}_-`), fake(36, 120, `${ALNUM}_-`)],
    keep: ['https://maps.corp.lan:8443/geocode?key=', 'connect ECONNREFUSED 10.5.5.5:8443'],
  },
  {
    name: 'AWS secret access key next to its key id (credentials CSV)',
    text: `Could not connect to the endpoint URL: "http://localstack.lan:4566/": connect ECONNREFUSED 10.6.6.6:4566\nAccess key ID,Secret access key\nAKIAQX4MZ7RT2LKJ8WPE,${AWS_SECRET}`,
    secret: ['AKIAQX4MZ7RT2LKJ8WPE', AWS_SECRET],
    keep: ['http://localstack.lan:4566/', 'Access key ID,Secret access key'],
  },
  {
    name: 'AWS secret access key in a credentials file',
    text: `${dialPg}\n[default]\naws_access_key_id = AKIAQX4MZ7RT2LKJ8WPF\naws_secret_access_key = ${AWS_SECRET_2}\nregion = eu-west-1`,
    secret: ['AKIAQX4MZ7RT2LKJ8WPF', AWS_SECRET_2],
    keep: [dialPg, 'region = eu-west-1'],
  },
  // Webhook URLs.
  {
    name: 'Slack webhook URLs (services, workflows, triggers)',
    text: `post failed: connect ECONNREFUSED 10.8.8.8:443\nhttps://hooks.slack.com/services/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\nhttps://hooks.slack.com/workflows/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\nhttps://hooks.slack.com/triggers/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`,
    secret: ['Wh7kQ2zR9xLm4NpV8sTb3YcD', 'Wf5pL8qZ3xNm7KrT2vBc9DsA', 'Tg2mK9pX4zQr7LsV1nBd6WcE'],
    keep: ['connect ECONNREFUSED 10.8.8.8:443', 'https://hooks.slack.com/services/'],
  },
  {
    name: 'Discord webhook URL',
    text: `connect ECONNREFUSED 10.8.8.9:443 posting to https://discord.com/api/webhooks/1122334455667788990/Dc${fake(37, 66, `${ALNUM}_-`)}`,
    secret: fake(37, 66, `${ALNUM}_-`),
    keep: 'connect ECONNREFUSED 10.8.8.9:443',
  },
  // Command lines.
  {
    name: 'curl -u user:password and --user',
    text: `$ curl -u elastic:Ek9vQ2xL7mZp http://search.lan:9200/_cluster/health\n${curlRefused}\n$ curl --user ops:Op4wR8tY2uIo -sS http://search.lan:9200/`,
    secret: ['Ek9vQ2xL7mZp', 'Op4wR8tY2uIo'],
    keep: ['curl -u elastic:', 'http://search.lan:9200/_cluster/health', curlRefused, 'curl --user ops:'],
  },
  {
    name: 'redis-cli -a, --pass, AUTH and MONITOR',
    text: `$ redis-cli -h ${REDIS.split(':')[0]} -p 6379 -a Rc3lI8pW5xQz ping\nCould not connect to Redis at ${REDIS}: Connection refused\n$ redis-cli --pass Rp6aS2sW9dFg -p 6379\n127.0.0.1:6379> AUTH Ra7uT3hQ1wEr\n127.0.0.1:6379> AUTH default Ra8uT4hQ2wEs\n1700000000.123456 [0 10.0.0.5:51234] "AUTH" "Rm9oN5iT3oRs"`,
    secret: ['Rc3lI8pW5xQz', 'Rp6aS2sW9dFg', 'Ra7uT3hQ1wEr', 'Ra8uT4hQ2wEs', 'Rm9oN5iT3oRs'],
    keep: [`redis-cli -h cache.lan -p 6379 -a `, `Could not connect to Redis at ${REDIS}: Connection refused`, '--pass ', '127.0.0.1:6379> AUTH '],
  },
  {
    name: 'redis requirepass and masterauth',
    text: `${refusedRedis}\nrequirepass Rq2uI4rE6pAs\nmasterauth Mq3aS5tE7rAu\n$ docker run -d --name cache -p 6379:6379 redis:7 redis-server --requirepass Rs4eR6vE8rPw`,
    secret: ['Rq2uI4rE6pAs', 'Mq3aS5tE7rAu', 'Rs4eR6vE8rPw'],
    keep: [refusedRedis, '-p 6379:6379 redis:7 redis-server --requirepass '],
  },
  {
    name: 'mysql --password=, --password X and -p"X"',
    text: `$ mysql -h db.lan -P 3306 -u app --password=My1sQ9lPw2Zx shop\n$ mysql -h db.lan -P 3306 -u app --password My3sQ8lPw4Yv shop\n$ mariadb -h db.lan -P 3306 -uapp -p"My5sQ7lPw6Xw" shop\nERROR 2003 (HY000): Can't connect to MySQL server on 'db.lan:3306' (111)`,
    secret: ['My1sQ9lPw2Zx', 'My3sQ8lPw4Yv', 'My5sQ7lPw6Xw'],
    keep: ['mysql -h db.lan -P 3306 -u app --password=', "Can't connect to MySQL server on 'db.lan:3306' (111)"],
  },
  {
    name: 'PGPASSWORD, MYSQL_PWD and REDISCLI_AUTH',
    text: `$ PGPASSWORD=pgsecretword psql -h db.lan -p 5432 -U app\npsql: error: connection to server at "db.lan" (10.0.0.12), port 5432 failed: Connection refused\nMYSQL_PWD=mysqlsecretword REDISCLI_AUTH=redissecretword`,
    secret: ['pgsecretword', 'mysqlsecretword', 'redissecretword'],
    keep: ['psql -h db.lan -p 5432 -U app', 'port 5432 failed: Connection refused'],
  },
  {
    name: 'sshpass -p',
    text: `$ sshpass -p 'Ss4hP8aS2sWd' ssh -p 2222 deploy@bastion.lan\nssh: connect to host bastion.lan port 2222: Connection refused\n$ sshpass -pSs5hP9aS3sWe ssh deploy@bastion.lan`,
    secret: ['Ss4hP8aS2sWd', 'Ss5hP9aS3sWe'],
    keep: ['ssh -p 2222 deploy@bastion.lan', 'ssh: connect to host bastion.lan port 2222: Connection refused'],
  },
  {
    name: 'docker login -p, mongosh -p, sqlcmd -P, ldapsearch -w',
    text: `$ docker login -u ci -p Dk2rL6gN0pQw registry.lan:5000\nError response from daemon: Get "https://registry.lan:5000/v2/": dial tcp 10.0.0.20:5000: connect: connection refused\n$ mongosh "mongodb://mongo.lan:27017/admin" -u root -p Mg3oS7hP1wEr\n$ sqlcmd -S mssql.lan,1433 -U sa -P 'Sq4lC8mD2pAs!'\n$ ldapsearch -x -H ldap://ldap.lan:389 -D cn=admin,dc=corp -w Ld5aP9sE3aRc`,
    secret: ['Dk2rL6gN0pQw', 'Mg3oS7hP1wEr', 'Sq4lC8mD2pAs', 'Ld5aP9sE3aRc'],
    keep: [
      'registry.lan:5000',
      'dial tcp 10.0.0.20:5000: connect: connection refused',
      'mongodb://mongo.lan:27017/admin',
      'sqlcmd -S mssql.lan,1433 -U sa -P',
      'ldap://ldap.lan:389 -D cn=admin,dc=corp -w',
    ],
  },
  {
    name: 'openssl -passin pass: and keytool -storepass',
    text: `${curlRefused}\n$ openssl pkcs12 -in client.p12 -passin pass:Os6sL0pA4sSi -nodes\n$ keytool -list -keystore trust.jks -storepass Kt7sT1oR5ePa`,
    secret: ['Os6sL0pA4sSi', 'Kt7sT1oR5ePa'],
    keep: [curlRefused, '-passin pass:', '-storepass '],
  },
  // Headers and key=value pairs whose key names a secret.
  {
    name: 'Cookie and Set-Cookie headers',
    text: `> GET /api HTTP/1.1\n> Host: app.lan:8080\n> Cookie: sessionid=Ck8sE2sS6iOn; csrftoken=Ck9cS3rF7tOk\n< Set-Cookie: sid=Ck0sI4dV8aLu; Path=/; HttpOnly\n* connect to 10.0.0.30 port 8080 failed: Connection refused`,
    secret: ['Ck8sE2sS6iOn', 'Ck9cS3rF7tOk', 'Ck0sI4dV8aLu'],
    keep: ['> Host: app.lan:8080', '* connect to 10.0.0.30 port 8080 failed: Connection refused'],
  },
  {
    name: 'client_secret, signature, webhook, auth and pass pairs',
    text: `${dialPg}\nOAUTH_CLIENT_SECRET=Oc1lI5eN9tSe X-Amz-Signature=${fake(38, 64, HEX)} ALERT_WEBHOOK_URL=https://alerts.lan:9093/hooks/Wb2hO6oK0sEc basic_auth: "svc:Ba3sI7cA1uTh" db.pass=Dp4aS8sW2oRd`,
    secret: ['Oc1lI5eN9tSe', fake(38, 64, HEX), 'Wb2hO6oK0sEc', 'Ba3sI7cA1uTh', 'Dp4aS8sW2oRd'],
    keep: [dialPg, 'ALERT_WEBHOOK_URL=https://alerts.lan:9093/'],
  },
];

/** Every 8-character part of a secret: a half-masked secret is still a leak. */
function parts(secret: string | string[]): string[] {
  const out = new Set<string>();
  for (const s of typeof secret === 'string' ? [secret] : secret) {
    if (s.length <= 8) out.add(s);
    for (let i = 0; i + 8 <= s.length; i += 1) out.add(s.slice(i, i + 8));
  }
  return [...out];
}
const survivor = (out: string, secret: string | string[]) => parts(secret).find((p) => out.includes(p));
const list = (x: string | string[] | undefined) => (x === undefined ? [] : typeof x === 'string' ? [x] : x);

for (const c of CASES) {
  test(`redact masks a ${c.name}`, () => {
    const out = redact(c.text);
    const left = survivor(out, c.secret);
    assert.equal(left, undefined, `${c.name}: "${left}" survived in ${out}`);
    assert.ok(out.includes('****'), `${c.name}: no mask in ${out}`);
    for (const k of list(c.keep)) assert.ok(out.includes(k), `${c.name}: lost "${k}" in ${out}`);
  });

  test(`redact masks a ${c.name} in JSON-escaped text (once and twice)`, () => {
    for (const text of [JSON.stringify(c.text), JSON.stringify(JSON.stringify(c.text))]) {
      const out = redact(text);
      const left = survivor(out, c.secret);
      assert.equal(left, undefined, `${c.name}: "${left}" survived in ${out}`);
    }
  });

  test(`Facts from a paste with a ${c.name} never carry it`, () => {
    // The secret sits next to a real error, in the line the verdict rests on and in the context.
    const paste = `${c.text}\nError: connect ECONNREFUSED 127.0.0.1:5432 ${c.text}\n    at TCPConnectWrap.afterConnect (node:net:1555:16)`;
    const facts = parse(paste);
    assert.equal(facts.kind, 'refused');
    const left = survivor(JSON.stringify(facts), c.secret);
    assert.equal(left, undefined, `${c.name}: "${left}" in ${JSON.stringify(facts)}`);
  });
}

test('a password in a DSN that becomes the target is masked in every field', () => {
  const facts = parse(
    'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "db" (10.0.0.9), port 5432 failed: Connection refused\nengine = create_engine(\'postgresql://svc:VerySecret1@db:5432/app\')',
  );
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

test('property: a password on a command line, in the environment or in a connection string never survives', () => {
  const templates = [
    (pw: string) => `$ mysql -h db.lan -P 3306 -u root -p${pw} shop`,
    (pw: string) => `$ mysql -h db.lan -u root --password ${pw} shop`,
    (pw: string) => `$ redis-cli -h cache.lan -p 6379 -a ${pw} ping`,
    (pw: string) => `$ sshpass -p ${pw} ssh -p 2222 deploy@bastion.lan`,
    (pw: string) => `$ curl -u admin:${pw} http://search.lan:9200/`,
    (pw: string) => `$ PGPASSWORD=${pw} psql -h db.lan -p 5432`,
    (pw: string) => `REDISCLI_AUTH=${pw} redis-cli`,
    (pw: string) => `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${pw};EndpointSuffix=core.windows.net`,
    (pw: string) => `127.0.0.1:6379> AUTH ${pw}`,
  ];
  fc.assert(
    fc.property(fc.stringMatching(/^[A-Za-z0-9!$%^*_+~.-]{8,24}$/), fc.constantFrom(...templates), fc.constantFrom('plain', 'json'), (pw, template, form) => {
      // A value that starts like a flag is another flag; a password has a digit somewhere.
      fc.pre(!pw.startsWith('-') && /\d/.test(pw) && !pw.includes('**'));
      const line = `${template(pw)}\nError: connect ECONNREFUSED 10.0.0.12:5432`;
      const out = redact(form === 'json' ? JSON.stringify(line) : line);
      return !out.includes(pw) && out.includes('10.0.0.12:5432');
    }),
    { numRuns: 600, seed: 8 },
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

// Text that only looks like a secret: port flags, flags of other commands, a user without a password, prose,
// URL paths, stack frames, ids, public keys and certificates. Every line must come back unchanged.
const UNCHANGED = [
  '$ psql -h db.lan -p 5432 -U app -d shop',
  '$ mysql -h db.lan -P 3306 -u root -p',
  '$ mysql -h db.lan -P 3306 -u root -p shop',
  '$ redis-cli -h cache.lan -p 6379 ping',
  '$ ls -a /var/run/postgresql',
  '$ docker run -d -p 8080:80 -p 5432:5432 postgres:16',
  '$ docker compose -p shop up -d',
  '$ ssh -p 2222 deploy@bastion.lan',
  '$ sshpass -f ~/.ssh/pw ssh -p 2222 deploy@bastion.lan',
  '$ mysql -u root',
  '$ curl -u root http://search.lan:9200/',
  '$ curl --user-agent "probe:1" http://search.lan:9200/',
  '$ docker login -u ci registry.lan:5000',
  '$ docker run --user 1000:1000 app',
  '$ docker login --password-stdin -u ci registry.lan:5000',
  '$ docker run -d --name mongo -p 27017:27017 mongo:7',
  '$ docker run -d --name mysql -p3306:3306 mysql:8',
  '$ docker run -d --name mongo -p 127.0.0.1:27017:27017/tcp mongo:7',
  'the pool ran out of tokens: retrying in 5s',
  'refreshing tokens failed: connect ECONNREFUSED 10.0.0.9:8443',
  'ResourceAccessException: I/O error on POST request for "https://login.example.net/oauth/token": Connection refused',
  'GET /oauth/token HTTP/1.1',
  'MongoNetworkError: connect ECONNREFUSED 10.0.0.7:27017 (mongodb://mongo.lan:27017/app?authSource=admin)',
  'MongoServerError: bad auth : Authentication failed.',
  'failed to get credentials: dial tcp 169.254.169.254:80: connect: connection refused',
  'webhook: dial tcp 10.0.0.7:443: connect: connection refused',
  'signal: killed',
  'AUTH failed: WRONGPASS invalid username-password pair or user is disabled.',
  'ERR AUTH <password> called without any password configured for the default user',
  '\tat com.example.auth.TokenClient.fetch(TokenClient.kt:44) ~[classes!/:1.4.0]',
  '\tat com.example.vault.SecretReader.read(SecretReader.java:118)',
  'TWILIO_ACCOUNT_SID=AC0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  'commit 3f5e2a9c1b7d4e6f8a0b2c4d6e8f0a1b3c5d7e9f',
  'publishable key pk_live_51QzAbCdEfGhIjKlMnOp',
  '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2xvdWRGbGFyZQ\n-----END CERTIFICATE-----',
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFakeFake deploy@ci',
  'sasl: auth=PLAIN mechanism=SCRAM',
];

test('ports, other flags, users without a password, prose, paths, stack frames, ids and public keys stay', () => {
  for (const line of UNCHANGED) {
    assert.equal(redact(line), line);
    assert.equal(redact(JSON.stringify(line)), JSON.stringify(line));
  }
});

test('no host or port in a paste is masked when only its secrets are', () => {
  const paste = `$ PGPASSWORD=pw1x2y3z psql -h db.lan -p 5432 -U app\n$ redis-cli -h cache.lan -p 6379 -a pw4x5y6z\n$ curl -u ops:pw7x8y9z http://search.lan:9200/\nError: connect ECONNREFUSED 10.0.0.12:5432`;
  const out = redact(paste);
  for (const kept of ['-h db.lan -p 5432', '-h cache.lan -p 6379', 'http://search.lan:9200/', '10.0.0.12:5432'])
    assert.ok(out.includes(kept), `lost ${kept} in ${out}`);
  const facts = parse(paste);
  assert.equal(facts.host, '10.0.0.12');
  assert.equal(facts.port, 5432);
});

// Linearity without a wall-clock budget: the CPU time of redact() on ten times the input is about ten times,
// not a hundred. Each shape aims at one family of patterns (a marker with no end, a command with no flag, a
// run of key characters, a token prefix). The bound (30) is loose enough for a busy machine and far below
// quadratic. The sizes are small enough that a quadratic pattern fails here in seconds instead of hanging the
// run (a regex cannot be interrupted); parse() reads at most 256 KB of a paste anyway.
test('redact stays linear on hostile input (20 KB against 200 KB)', (t) => {
  const fill = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
  const shapes: Record<string, string> = {
    'BEGIN markers': '-----BEGIN PRIVATE KEY-----',
    'key lines with no END': `-----BEGIN RSA PRIVATE KEY-----\n${'QUJD'.repeat(16)}\n`,
    'short key lines': `-----BEGIN PRIVATE KEY-----\n${'AB\n'.repeat(300)}`,
    'flattened chunks': `-----BEGIN PRIVATE KEY----- ${'A'.repeat(39)} `,
    'single dashes': `-----BEGIN EC PRIVATE KEY-----${'a-'.repeat(500)}`,
    'commands without flags': 'curl mysql redis-cli sshpass docker login ldapsearch mongosh sqlcmd ',
    'flags without values': 'curl -u mysql -p redis-cli -a sshpass -p ',
    'long flags': '--a-b-c-d-e-f-g',
    'dotted key runs': 'a.b-c_',
    'key words without values': 'password token secret auth pass sig ',
    'escaped newlines': '\\n',
    backslashes: '\\',
    'AKIA ids': 'AKIAABCDEFGHIJKLMNOP,',
    'AUTH at line starts': '\nAUTH ',
    'quoted AUTH': '"AUTH" ',
    'token prefixes': 'sk_live_ SG. npm_ AIza ya29. GOCSPX- SK xoxb- eyJ ',
    'webhook hosts': 'https://hooks.slack.com/services/',
    'Cookie headers': 'Cookie: a=b; ',
  };
  const cpu = (f: () => void) => {
    const t = process.cpuUsage();
    f();
    const d = process.cpuUsage(t);
    return d.user + d.system;
  };
  const slow: string[] = [];
  for (const [name, unit] of Object.entries(shapes)) {
    const small = fill(unit, 20_000);
    const big = fill(unit, 200_000);
    redact(small);
    // A busy machine (a GC, another process) can make one run look slow; a quadratic pattern is slow every time.
    let line = '';
    for (let round = 0; round < 3; round += 1) {
      const a = Math.max(500, Math.min(cpu(() => redact(small)), cpu(() => redact(small))));
      // The least of two big runs as well: a GC pause or the other core's load in one run is not the pattern.
      const b = Math.min(cpu(() => redact(big)), cpu(() => redact(big)));
      line = `${name}: ${(a / 1000).toFixed(1)} ms for 20 KB, ${(b / 1000).toFixed(1)} ms for 200 KB`;
      if (b / a <= 30) break;
      // Three tries: one GC pause in the big run made a linear shape look 65× once in CI; a quadratic one is
      // about 100× every time (the sizes keep even that under a second a try).
      if (round === 2) slow.push(line);
    }
    t.diagnostic(line);
  }
  assert.deepEqual(slow, []);
});
