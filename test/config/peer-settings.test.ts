import assert from 'node:assert/strict';
import test from 'node:test';
import { peerResolver } from '../../src/config/peer-settings.js';
import { DEFAULT_PEER_OPTIONS } from '../../src/core/peer-compare.js';
import { fileConfigSchema } from '../../src/config/schema.js';

const parsed = (config: unknown) => fileConfigSchema.parse(config);

test('peers are on by default for every group, with the defaults', () => {
  const peersFor = peerResolver(parsed({ groups: { web: { log: '/a', hosts: ['w1'] } } }));
  assert.deepEqual(peersFor('web'), DEFAULT_PEER_OPTIONS);
  assert.deepEqual(peersFor('default'), DEFAULT_PEER_OPTIONS);
});

test('a group tunes or turns off its own comparison; top-level settings apply to the rest; minShare is in percent', () => {
  const peersFor = peerResolver(
    parsed({
      peers: { low: 0.6, minShare: 2 },
      groups: { web: { log: '/a', hosts: ['w1'], peers: { samples: 5 } }, ui: { log: '/b', hosts: ['u1'], peers: false } },
    }),
  );
  assert.deepEqual(peersFor('web'), { ...DEFAULT_PEER_OPTIONS, low: 0.6, minShare: 0.02, samples: 5 });
  assert.equal(peersFor('ui'), null);
  assert.deepEqual(peersFor('default'), { ...DEFAULT_PEER_OPTIONS, low: 0.6, minShare: 0.02 });
});

test('peers: false at the top turns every group off unless a group asks for it back', () => {
  const peersFor = peerResolver(parsed({ peers: false, groups: { web: { log: '/a', hosts: ['w1'], peers: true }, api: { log: '/b', hosts: ['a1'] } } }));
  assert.deepEqual(peersFor('web'), DEFAULT_PEER_OPTIONS);
  assert.equal(peersFor('api'), null);
});

test('nonsense settings are refused by the schema', () => {
  assert.throws(() => parsed({ peers: { low: 3 } }));
  assert.throws(() => parsed({ peers: { high: 0.5 } }));
  assert.throws(() => parsed({ peers: { minPeers: 1 } }));
  assert.throws(() => parsed({ peers: { sample: 3 } }), 'a misspelt key is an error');
});
