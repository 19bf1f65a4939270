import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHostSpec, HostSpecError } from '../../src/core/host-spec.js';

test('reads [user@]host[:port] and bracketed IPv6', () => {
  assert.deepEqual(parseHostSpec('web01'), { label: 'web01', host: 'web01', user: null, port: null });
  assert.deepEqual(parseHostSpec('deploy@web01.example.com:2222'), { label: 'deploy@web01.example.com:2222', host: 'web01.example.com', user: 'deploy', port: 2222 });
  assert.deepEqual(parseHostSpec('root@[::1]:22'), { label: 'root@[::1]:22', host: '::1', user: 'root', port: 22 });
  assert.deepEqual(parseHostSpec('10.0.0.5'), { label: '10.0.0.5', host: '10.0.0.5', user: null, port: null });
});

test('refuses names that could be read as ssh options or shell, and bad ports', () => {
  for (const bad of ['-oProxyCommand=id', 'web;id', 'web 01', 'web:0', 'web:70000', 'web:22x', '@web', 'a b@web', '', '$(id)']) {
    assert.throws(() => parseHostSpec(bad), HostSpecError, bad);
  }
});
