/**
 * Step 1: how a host resolves: the transport's own resolver (ssh -G, parsed
 * by the transport's parser), plus what only doctor shows: which identity
 * files exist, and any CertificateFile.
 */
import { access, constants } from 'node:fs/promises';
import type { HostSpec } from '../core/host-spec.js';
import type { SettingsResolver, SshSettings } from '../transport/ssh-settings.js';
import { failed, passed, type StepResult } from './step.js';

export interface Resolution {
  settings: SshSettings;
  /** the identity files that exist and can be read */
  identityFiles: string[];
  certificateFiles: string[];
}

export async function resolveStep(spec: HostSpec, resolve: SettingsResolver, configFile: string | null): Promise<{ step: StepResult; resolution?: Resolution }> {
  let settings: SshSettings;
  try {
    settings = await resolve(spec);
  } catch (error) {
    const args = ['ssh', '-G', ...(configFile !== null ? ['-F', configFile] : []), spec.host];
    return { step: failed('resolve', (error as Error).message, `fix the OpenSSH client config; this shows the same error: ${args.join(' ')}`) };
  }
  const identityFiles = (await Promise.all(settings.identityFiles.map(async (file) => ((await readable(file)) ? file : null)))).filter((file) => file !== null);
  const resolution = { settings, identityFiles, certificateFiles: settings.certificateFiles ?? [] };
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

function describe({ settings, identityFiles, certificateFiles }: Resolution): string {
  const parts = [`${settings.user}@${settings.hostname} port ${settings.port}`];
  parts.push(identityFiles.length > 0 ? `identity ${identityFiles.join(', ')}` : `no identity file exists (of ${settings.identityFiles.length} listed)`);
  parts.push(`known_hosts ${settings.knownHostsFiles.join(', ') || 'none'}`);
  if (settings.hostKeyAlias !== null) parts.push(`HostKeyAlias ${settings.hostKeyAlias}`);
  if (settings.proxyJump !== null) parts.push(`ProxyJump ${settings.proxyJump}`);
  if (settings.proxyCommand !== null) parts.push(`ProxyCommand ${settings.proxyCommand}`);
  if (certificateFiles.length > 0) parts.push(`CertificateFile ${certificateFiles.join(', ')}`);
  return parts.join('; ');
}
