/**
 * Who may read the web view, and what --web / PVLOOK_WEB / web: accept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAccess, cookieName, readCookie, sameToken } from '../../src/web/access.js';
import { isLoopback, parseWebAddress } from '../../src/config/web-address.js';
import { TokenThrottle } from '../../src/web/token-throttle.js';
import { resolveWeb, sharesAddress } from '../../src/config/web-config.js';
import { runCli } from '../helpers/run-cli.js';

const TOKEN = '0123456789abcdef0123';
const routes = new Set(['/', '/events']);
const request = (url: string, headers: Record<string, string> = {}) => ({ url, headers: { host: '127.0.0.1:8080', ...headers } });

test('--web takes a port (loopback) or host:port', () => {
  assert.deepEqual(parseWebAddress('8080'), { host: '127.0.0.1', port: 8080 });
  assert.deepEqual(parseWebAddress('0.0.0.0:8080'), { host: '0.0.0.0', port: 8080 });
  assert.deepEqual(parseWebAddress('[::1]:80'), { host: '::1', port: 80 });
  assert.deepEqual(parseWebAddress('localhost:0'), { host: 'localhost', port: 0 });
  for (const bad of ['', 'http://x:1', '70000', ':8080', '[nothost]:1', 'a b:1']) assert.equal(parseWebAddress(bad), null, bad);
  assert.deepEqual(['127.0.0.1', '127.1.2.3', '::1', 'localhost', '0.0.0.0', '10.0.0.1', 'monitor1'].map(isLoopback), [true, true, true, true, false, false, false]);
});

test('beyond loopback a token is required; a bad token is refused without echoing it', () => {
  const none = { env: {}, file: {}, fileSource: '.pvlookrc' };
  assert.deepEqual(resolveWeb({ ...none, flag: '8080' }), { address: { host: '127.0.0.1', port: 8080 }, token: null, source: '--web' });
  assert.throws(() => resolveWeb({ ...none, flag: '0.0.0.0:8080' }), /--web "0\.0\.0\.0:8080": .*needs a token: set PVLOOK_WEB_TOKEN/);
  assert.throws(() => resolveWeb({ ...none, file: { web: '10.1.1.1:80' } }), /\.pvlookrc: key "web" "10\.1\.1\.1:80"/);
  assert.throws(() => resolveWeb({ ...none, flag: 'nope' }), /--web "nope": expected \[host:\]port/);
  assert.throws(() => resolveWeb({ ...none, flag: '0.0.0.0:80', tokenFlag: 'short secret' }), (error: Error) => /--web-token: expected at least 16/.test(error.message) && !error.message.includes('short secret'));
  assert.deepEqual(resolveWeb({ ...none, flag: '0.0.0.0:80', env: { PVLOOK_WEB_TOKEN: TOKEN } })?.token, TOKEN);
  // Flags beat the environment, which beats the file.
  assert.equal(resolveWeb({ flag: '1', env: { PVLOOK_WEB: '2' }, file: { web: '3' }, fileSource: 'f' })?.address.port, 1);
  assert.equal(resolveWeb({ env: { PVLOOK_WEB: '2' }, file: { web: '3' }, fileSource: 'f' })?.address.port, 2);
  assert.equal(sharesAddress({ address: { host: '127.0.0.1', port: 9 }, token: null }, { host: '127.0.0.1', port: 9 }), true);
  assert.equal(sharesAddress({ address: { host: '127.0.0.1', port: 9 }, token: null }, { host: '0.0.0.0', port: 9 }), false);
  assert.equal(sharesAddress({ address: { host: '127.0.0.1', port: 9 }, token: null }, { host: 'localhost', port: 9 }), true, 'localhost is the loopback address pvlook binds');
});

test('pvlook exits 2 naming the flag when --web binds beyond loopback without a token', async () => {
  const result = await runCli(['demo', '--web', '0.0.0.0:0', '--count', '1']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^pvlook: --web "0\.0\.0\.0:0": serving the web view on 0\.0\.0\.0:0, beyond this machine, needs a token/);
  const fromEnv = await runCli(['demo', '--count', '1'], { env: { PVLOOK_WEB: '0.0.0.0:0' } });
  assert.equal(fromEnv.code, 2);
  assert.match(fromEnv.stderr, /PVLOOK_WEB "0\.0\.0\.0:0"/);
});

test('without a token: loopback Host names only (no DNS rebinding)', () => {
  assert.equal(checkAccess(request('/'), null, 8080, routes).kind, 'allowed');
  assert.equal(checkAccess(request('/', { host: 'localhost:8080' }), null, 8080, routes).kind, 'allowed');
  assert.equal(checkAccess(request('/', { host: '[::1]:8080' }), null, 8080, routes).kind, 'allowed');
  assert.equal(checkAccess(request('/', { host: 'evil.example:8080' }), null, 8080, routes).kind, 'denied');
});

test('with a token: Bearer, or ?token= once then the cookie; anything else is denied', () => {
  assert.equal(checkAccess(request('/events'), TOKEN, 8080, routes).kind, 'denied');
  assert.equal(checkAccess(request('/', { authorization: `Bearer ${TOKEN}` }), TOKEN, 8080, routes).kind, 'allowed');
  assert.equal(checkAccess(request('/', { authorization: `Bearer ${TOKEN}x` }), TOKEN, 8080, routes).kind, 'denied');
  assert.equal(checkAccess(request('/?token=wrong'), TOKEN, 8080, routes).kind, 'denied');
  const remembered = checkAccess(request(`/?token=${TOKEN}&x=1`), TOKEN, 8080, routes);
  assert.equal(remembered.kind, 'remember');
  if (remembered.kind !== 'remember') return;
  assert.equal(remembered.location, '/?x=1');
  assert.match(remembered.cookie, new RegExp(`^${cookieName(8080)}=${TOKEN}; HttpOnly; SameSite=Strict; Path=/; Max-Age=\\d+$`));
  // A crafted path cannot turn the redirect into one to another site.
  const crafted = checkAccess(request(`/.//evil.example/?token=${TOKEN}`), TOKEN, 8080, routes);
  assert.equal(crafted.kind === 'remember' && crafted.location, '/');
  const cookie = `other=1; ${cookieName(8080)}=${TOKEN}`;
  assert.equal(readCookie(cookie, cookieName(8080)), TOKEN);
  assert.equal(checkAccess(request('/', { cookie }), TOKEN, 8080, routes).kind, 'allowed');
  // A browser's stale Basic credentials do not hide a good cookie; they grant nothing by themselves.
  assert.equal(checkAccess(request('/', { cookie, authorization: 'Basic dXNlcjpwdw==' }), TOKEN, 8080, routes).kind, 'allowed');
  assert.equal(checkAccess(request('/', { authorization: 'Basic dXNlcjpwdw==' }), TOKEN, 8080, routes).kind, 'denied');
  // Cookies are not scoped by port: another pvlook's cookie does not open this one.
  assert.equal(checkAccess(request('/', { cookie: `${cookieName(9090)}=${TOKEN}` }), TOKEN, 8080, routes).kind, 'denied');
  assert.equal(sameToken('a', 'a'), true);
  assert.equal(sameToken('a', 'ab'), false);
});

test('wrong tokens are throttled per address: a burst, then one per refill; a full bucket is forgotten', () => {
  const throttle = new TokenThrottle({ burst: 3, refillMs: 2000, maxAddresses: 2 });
  for (let i = 0; i < 3; i++) {
    assert.equal(throttle.waitSeconds('10.0.0.1', 0), 0);
    throttle.failed('10.0.0.1', 0);
  }
  assert.equal(throttle.waitSeconds('10.0.0.1', 0), 2, 'the bucket is empty: wait for one refill');
  assert.equal(throttle.waitSeconds('10.0.0.2', 0), 0, 'another address is not concerned');
  assert.equal(throttle.waitSeconds('10.0.0.1', 1500), 1);
  assert.equal(throttle.waitSeconds('10.0.0.1', 2000), 0, 'one more try after a refill');
  throttle.failed('10.0.0.1', 2000);
  assert.equal(throttle.waitSeconds('10.0.0.1', 2000), 2);
  assert.equal(throttle.waitSeconds('10.0.0.1', 2000 + 3 * 2000), 0);
  assert.equal(throttle.size, 0, 'refilled, it is forgotten');
  for (const address of ['a', 'b', 'c']) throttle.failed(address, 0);
  assert.equal(throttle.size, 2, 'memory is bounded');
});
