/**
 * The wrong-token throttle: a stale value retried counts once, throttled
 * addresses are never evicted for new ones, and addresses are counted as
 * the machine they stand for (IPv4-mapped as IPv4, IPv6 by its /64).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { addressKey, TokenThrottle } from '../../src/web/token-throttle.js';
import { WebServer } from '../../src/web/web-server.js';
import { cookieName } from '../../src/web/access.js';

test('the same wrong value again and again counts once; new values count each', () => {
  const throttle = new TokenThrottle({ burst: 3, refillMs: 5000 });
  for (let i = 0; i < 100; i++) throttle.failed('10.0.0.1', 0, 'old-token');
  assert.equal(throttle.waitSeconds('10.0.0.1', 0), 0, 'a stale cookie retrying never locks the address out');
  throttle.failed('10.0.0.1', 0, 'guess-1');
  throttle.failed('10.0.0.1', 0, 'guess-2');
  assert.ok(throttle.waitSeconds('10.0.0.1', 0) > 0, 'three different wrong values empty a burst of three');
});

test('a guesser cycling through more values than are remembered is still counted', () => {
  const throttle = new TokenThrottle({ burst: 10, refillMs: 5000 });
  for (let i = 0; i < 10; i++) throttle.failed('10.0.0.1', 0, `guess-${i % 5}`);
  assert.ok(throttle.waitSeconds('10.0.0.1', 0) > 0);
});

test('new addresses evict a refilled bucket, never a throttled one; full of throttled ones, an unknown address is throttled', () => {
  const throttle = new TokenThrottle({ burst: 2, refillMs: 5000, maxAddresses: 3 });
  throttle.failed('10.0.0.1', 0);
  throttle.failed('10.0.0.1', 0);
  throttle.failed('10.0.0.2', 0);
  throttle.failed('10.0.0.3', 0);
  throttle.failed('10.0.0.4', 0);
  assert.ok(throttle.waitSeconds('10.0.0.1', 0) > 0, 'the throttled address stays throttled');
  assert.equal(throttle.size, 3);
  for (const address of ['10.0.0.3', '10.0.0.4']) throttle.failed(address, 0);
  assert.ok(throttle.waitSeconds('10.0.0.1', 0) > 0);
  assert.ok(throttle.waitSeconds('10.0.0.9', 0) > 0, 'every bucket is throttled: an unknown address waits too');
  throttle.failed('10.0.0.9', 0);
  assert.ok(throttle.waitSeconds('10.0.0.1', 0) > 0, 'and cannot push a throttled one out');
  assert.equal(throttle.waitSeconds('10.0.0.9', 5000), 0, 'once one has refilled, new addresses are served again');
});

test('rotating through 10,000 other addresses does not free a throttled one', () => {
  const throttle = new TokenThrottle({ burst: 10, refillMs: 5000, maxAddresses: 10_000 });
  for (let i = 0; i < 10; i++) throttle.failed('192.0.2.1', 0, `guess-${i}`);
  for (let i = 0; i < 10_000; i++) throttle.failed(`198.18.${i >> 8}.${i & 255}`, 0, 'guess');
  assert.ok(throttle.waitSeconds('192.0.2.1', 0) > 0);
});

test('an IPv4-mapped address is its IPv4 address; IPv6 addresses count by their /64', () => {
  assert.equal(addressKey('::ffff:192.0.2.7'), '192.0.2.7');
  assert.equal(addressKey('192.0.2.7'), '192.0.2.7');
  assert.equal(addressKey('2001:db8:1:2::1'), addressKey('2001:0db8:0001:0002:ffff:1:2:3'));
  assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
  assert.equal(addressKey('::1'), '0:0:0:0::/64');
  const throttle = new TokenThrottle({ burst: 2, refillMs: 5000 });
  throttle.failed('2001:db8:1:2::1', 0);
  throttle.failed('2001:db8:1:2::2', 0);
  assert.ok(throttle.waitSeconds('2001:db8:1:2::3', 0) > 0, 'another address of the same /64 is the same client');
  throttle.failed('::ffff:192.0.2.7', 0);
  throttle.failed('192.0.2.7', 0);
  assert.ok(throttle.waitSeconds('192.0.2.7', 0) > 0);
});

function get(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode!));
    })
      .on('error', reject)
      .end();
  });
}

test('after the token changes, open pages retrying with the old cookie do not lock their owner out', async () => {
  const token = 'new-token-0123456789';
  let now = 0;
  const web = await WebServer.start({ address: { host: '127.0.0.1', port: 0 }, token, now: () => now });
  const stale = { cookie: `${cookieName(Number(new URL(web.url).port))}=old-token-0123456789` };
  try {
    const answers: number[] = [];
    // Two wall screens retry /events every 5 s with the old cookie; the owner opens ?token= now and then.
    for (now = 0; now < 120_000; now += 5000) {
      await get(`${web.url}events`, stale);
      await get(`${web.url}events`, stale);
      if (now >= 60_000) answers.push(await get(`${web.url}?token=${token}`));
    }
    assert.deepEqual(new Set(answers), new Set([303]));
  } finally {
    await web.close();
  }
});
