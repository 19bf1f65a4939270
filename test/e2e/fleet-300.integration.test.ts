/**
 * The bar, against real sshd: a 300-host watch in a 160x45 terminal
 * shows every host.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { appendLines, makeLog } from '../helpers/fleet.js';
import { TmuxSession } from '../helpers/tmux.js';
import { pvlookCommand as pvlook } from '../helpers/pvlook-command.js';


let sshd: Sshd;
let writer: NodeJS.Timeout;
let configFile: string;
const hosts = Array.from({ length: 300 }, (_, i) => `n${String(i + 1).padStart(3, '0')}`);

before(async () => {
  sshd = await startSshd({ hostCount: 4 });
  const logs = ['nginx', 'api', 'cdn'].map((name) => makeLog(sshd, `${name}.log`));
  writer = setInterval(() => logs.forEach((log, i) => appendLines(log, i + 1)), 20);
  const sshConfig = path.join(sshd.dir, 'ssh_config.300');
  // 300 host names spread over the four loopback addresses of one sshd.
  const blocks = hosts.map((host, i) => `Host ${host}\n  HostName ${sshd.addresses[i % 4]}`);
  writeFileSync(sshConfig, `${blocks.join('\n')}\n${readFileSync(sshd.sshConfig, 'utf8')}`);
  configFile = path.join(sshd.dir, 'fleet.yaml');
  writeFileSync(
    configFile,
    [`sshConfig: ${sshConfig}`, 'interval: 2', 'timeout: 20', 'groups:', ...['nginx', 'api', 'cdn'].flatMap((name, g) => [`  ${name}:`, `    log: ${logs[g]}`, `    hosts: ["n[${String(g * 100 + 1).padStart(3, '0')}-${String(g * 100 + 100).padStart(3, '0')}]"]`])].join('\n') + '\n',
  );
});
after(async () => {
  clearInterval(writer);
  await sshd?.stop();
});

test('300 real hosts in a 160x45 terminal: every host visible, all ok', async () => {
  const tmux = TmuxSession.start(`${pvlook} -w -c ${JSON.stringify(configFile)}; echo "EXITED:$?"; sleep 60`, { cwd: sshd.dir, env: { HOME: sshd.dir }, width: 160, height: 45 });
  try {
    await tmux.waitFor(/300 ok/, 120);
    const screen = await tmux.waitFor(/n300 +\d/, 30);
    const seen = new Set(screen.match(/\bn\d{3}\b/g) ?? []);
    assert.deepEqual([...seen].sort(), hosts);
    assert.equal(screen.replace(/\n$/, '').split('\n').length, 45);
    for (const line of screen.split('\n')) assert.ok([...line].length <= 160);
    assert.doesNotMatch(screen, /page \d/);
    tmux.keys('q');
    await tmux.waitFor(/EXITED:0/, 30);
  } finally {
    tmux.kill();
  }
});
