/**
 * Step 1: how a host resolves. The same `ssh -G` the transport asks, parsed
 * by the transport's own parser, plus what only doctor shows: which identity
 * files exist, and any CertificateFile (which the built-in client cannot use).
 */
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { HostSpec } from '../core/host-spec.js';
import { fallbackSettings, parseSshG, type SshSettings } from '../transport/ssh-settings.js';
import { shQuote } from '../probe/shell-quote.js';
import { failed, passed, type StepResult } from './step.js';

const run = promisify(execFile);

export interface Resolution {
  settings: SshSettings;
  /** the identity files that exist and can be read */
  identityFiles: string[];
  certificateFiles: string[];
  /** false when there is no OpenSSH client: OpenSSH's defaults, no config file */
  fromSsh: boolean;
}

export async function resolveStep(spec: HostSpec, configFile: string | null, home: string): Promise<{ step: StepResult; resolution?: Resolution }> {
  const args = sshGArgs(spec, configFile);
  let text: string;
  try {
    ({ stdout: text } = await run('ssh', args, { timeout: 10_000, maxBuffer: 1 << 20 }));
  } catch (error) {
    const err = error as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') return described(fallbackSettings(spec, home), [], false);
    const reason = (err.stderr ?? '').trim().split('\n')[0] || err.message;
    return { step: failed('resolve', `ssh -G: ${reason}`, `fix the OpenSSH client config; this shows the same error: ssh ${args.map(shQuote).join(' ')}`) };
  }
  return described(parseSshG(text, home), certificateFiles(text, home), true);
}

/** The arguments the transport's resolver passes to ssh (see openSshResolver). */
function sshGArgs(spec: HostSpec, configFile: string | null): string[] {
  const args = ['-G'];
  if (configFile !== null) args.push('-F', configFile);
  if (spec.port !== null) args.push('-p', String(spec.port));
  if (spec.user !== null) args.push('-l', spec.user);
  args.push('--', spec.host);
  return args;
}

function certificateFiles(text: string, home: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.toLowerCase().startsWith('certificatefile '))
    .map((line) => line.slice('certificatefile '.length).trim())
    .filter(Boolean)
    .map((file) => (file.startsWith('~/') ? `${home}/${file.slice(2)}` : file));
}

async function described(settings: SshSettings, certificates: string[], fromSsh: boolean): Promise<{ step: StepResult; resolution: Resolution }> {
  const identityFiles = (await Promise.all(settings.identityFiles.map(async (file) => ((await readable(file)) ? file : null)))).filter((file) => file !== null);
  const resolution = { settings, identityFiles, certificateFiles: certificates, fromSsh };
  return { step: passed('resolve', describe(resolution)), resolution };
}

async function readable(file: string): Promise<boolean> {
  try {
    await access(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function describe({ settings, identityFiles, certificateFiles, fromSsh }: Resolution): string {
  const parts = [`${settings.user}@${settings.hostname} port ${settings.port}`];
  parts.push(identityFiles.length > 0 ? `identity ${identityFiles.join(', ')}` : `no identity file exists (of ${settings.identityFiles.length} listed)`);
  parts.push(`known_hosts ${settings.knownHostsFiles.join(', ') || 'none'}`);
  if (settings.hostKeyAlias !== null) parts.push(`HostKeyAlias ${settings.hostKeyAlias}`);
  if (settings.proxyJump !== null) parts.push(`ProxyJump ${settings.proxyJump}`);
  if (settings.proxyCommand !== null) parts.push(`ProxyCommand ${settings.proxyCommand}`);
  if (certificateFiles.length > 0) parts.push(`CertificateFile ${certificateFiles.join(', ')}`);
  if (!fromSsh) parts.push('(no ssh client found: OpenSSH defaults, no config file)');
  return parts.join('; ');
}
