/**
 * Step 6: pvlook's shell on the host, and what its tools can do, asked
 * through that shell (probe/host-flavour.ts). Missing tools the sampling
 * functions need fail the step; what only makes sampling cheaper or more
 * precise (/proc/uptime, /dev/fd, date %N, a birth time) is just shown.
 */
import { HostError } from '../errors.js';
import type { HostTarget } from '../core/host-target.js';
import { HostShell } from '../probe/host-shell.js';
import { decodeFlavourAnswer, encodeFlavourRequest, type HostFlavour } from '../probe/host-flavour.js';
import { newTag } from '../probe/wire.js';
import type { Transport } from '../transport/transport.js';
import { failed, passed, type StepResult } from './step.js';

/** The step, and the error the shell failed with, if it did (connecting is part of starting it). */
export async function shellStep(transport: Transport, spec: HostTarget, needsAwk: boolean, timeoutMs: number): Promise<{ step: StepResult; error?: HostError }> {
  const shell = new HostShell(transport, spec);
  const tag = newTag();
  let flavour: HostFlavour;
  try {
    const text = await shell.ask(tag, encodeFlavourRequest(tag), AbortSignal.timeout(timeoutMs), { last: true });
    flavour = decodeFlavourAnswer(text, tag);
  } catch (error) {
    const said = shell.lastError();
    const message = error instanceof Error ? error.message : String(error);
    const failure = error instanceof HostError ? error : new HostError('badoutput', message);
    shell.abandon(failure);
    return {
      error: failure,
      step: failed(
        'shell',
        `/bin/sh -s did not answer as expected: ${message}${said && !message.includes(said) ? ` (stderr: ${said})` : ''}`,
        'the login must be able to run /bin/sh -s: check for a ForceCommand in sshd_config or a command= in authorized_keys, and the user\'s login shell',
      ),
    };
  }
  const missing = [...flavour.missing, ...(needsAwk && !flavour.awk ? ['awk'] : [])];
  if (missing.length > 0) {
    return { step: failed('shell', `${describe(flavour)}; missing: ${missing.join(', ')}`, 'install GNU coreutils (or a BusyBox with stat -c and tail -c), and awk for pattern counts') };
  }
  return { step: passed('shell', describe(flavour)) };
}

function describe(flavour: HostFlavour): string {
  const name = flavour.shell.split('/').at(-1) ?? flavour.shell;
  const version = flavour.shellVersion ? ` ${flavour.shellVersion}` : '';
  const clock = { up: '/proc/uptime', wall: 'date +%s.%N', none: 'none (pvlook times samples itself)' }[flavour.clock];
  const yes = (value: boolean) => (value ? 'yes' : 'no');
  const birth = { yes: 'yes', zero: 'no (0 on /: files known by inode only)', no: 'no (stat has no %W: files known by inode only)' }[flavour.statBirth];
  return [
    `sh ${name}${version} (${flavour.shell})`,
    `clock ${clock}`,
    `/proc/uptime ${yes(flavour.procUptime)}`,
    `/dev/fd ${yes(flavour.devFd)}${flavour.devFd ? '' : ' (logs reopened each sample)'}`,
    `date %N ${yes(flavour.dateNanoseconds)}`,
    `stat birth time ${birth}`,
    `timeout ${yes(flavour.timeout)}`,
    `awk ${yes(flavour.awk)}`,
  ].join('; ');
}
