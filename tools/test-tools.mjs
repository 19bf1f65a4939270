#!/usr/bin/env node
// The system tools the test suite needs, once: `npm test` checks them first
// (--check: one line naming what is missing, and the command that installs
// it), .ci/run installs what is missing (--missing: Debian package names),
// and a test checks that the README's install line names the same packages.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import console from 'node:console';
import process from 'node:process';

/** What a test needs, how to tell it is there, and the Debian package that brings it. */
export const TEST_TOOLS = [
  { package: 'openssh-server', present: () => existsSync('/usr/sbin/sshd'), why: 'sshd, which the integration tests start on loopback' },
  { package: 'openssh-client', present: () => onPath('ssh') && onPath('ssh-keygen') && onPath('ssh-agent'), why: 'ssh, ssh-keygen, ssh-agent' },
  { package: 'passwd', present: () => onPath('useradd'), why: 'useradd, for the throwaway test users' },
  { package: 'tmux', present: () => onPath('tmux'), why: 'the live-view tests' },
  { package: 'prometheus', present: () => onPath('promtool') && onPath('prometheus'), why: 'promtool and a real Prometheus' },
  { package: 'chromium', present: () => onPath('chromium'), why: 'the web view in a real browser' },
  // The chroot test copies busybox alone into it: it must be the static build.
  { package: 'busybox-static', present: () => dpkgHas('busybox-static'), why: 'a BusyBox userland behind sshd' },
  { package: 'sudo', present: () => onPath('sudo') && onPath('visudo'), why: 'the --sudo tests' },
  { package: 'systemd', present: () => onPath('systemd-analyze'), why: "systemd-analyze, which checks deploy/'s unit" },
  { package: 'logrotate', present: () => onPath('logrotate'), why: 'real logrotate, for the rotation tests' },
  { package: 'apache2-utils', present: () => onPath('rotatelogs'), why: "Apache's rotatelogs, for the rotation tests (and ab, for the rotation benchmark)" },
];

function onPath(command) {
  return (process.env.PATH ?? '/usr/bin:/bin').split(':').some((dir) => dir !== '' && existsSync(`${dir}/${command}`));
}

function dpkgHas(name) {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes('install ok installed');
  } catch {
    return false;
  }
}

export function missingPackages() {
  return TEST_TOOLS.filter((tool) => !tool.present()).map((tool) => tool.package);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const missing = missingPackages();
  if (process.argv[2] === '--missing') {
    if (missing.length > 0) console.log(missing.join('\n'));
  } else if (missing.length > 0) {
    console.error(`npm test needs system tools that are missing (${missing.map((name) => TEST_TOOLS.find((tool) => tool.package === name).why).join('; ')}): run  apt-get install ${missing.join(' ')}  (or bash .ci/run, which installs them)`);
    process.exit(1);
  }
}
