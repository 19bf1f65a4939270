/**
 * Step 5's words: how pvlook logged in. ssh2 does not say which method
 * worked, but it starts them one at a time in the order given: the last one
 * started before the connection was ready is the one that did. A key from the
 * agent is as precise as it gets (the agent tries its keys inside one method).
 */
import { readFile } from 'node:fs/promises';
import type { AuthMethod } from '../transport/ssh-auth.js';
import type { SshSettings } from '../transport/ssh-settings.js';
import { failed, passed, type StepResult } from './step.js';

export async function loginStep(started: readonly AuthMethod[], identityFiles: readonly string[], settings: SshSettings): Promise<StepResult> {
  const last = started.at(-1);
  const how = last === undefined ? 'publickey (agent or identity files)' : await describe(last, identityFiles);
  return passed('login', `${settings.user}: ${how}`);
}

export async function loginFailed(started: readonly AuthMethod[], identityFiles: readonly string[], settings: SshSettings, certificates: readonly string[]): Promise<StepResult> {
  const tried = await Promise.all(started.map((method) => describe(method, identityFiles)));
  const detail = tried.length > 0 ? `${settings.user}@${settings.hostname} refused every key (tried ${tried.join(', ')})` : `no key to log in as ${settings.user} with: no ssh-agent (SSH_AUTH_SOCK) and no readable IdentityFile without a passphrase`;
  const certificate = certificates.length > 0 ? `; if the host wants the certificate ${certificates.join(', ')}, the built-in client cannot offer it` : '';
  return failed('login', detail, `add your public key to ~${settings.user}/.ssh/authorized_keys on the host (ssh-copy-id), or load a key it accepts into ssh-agent (ssh-add)${certificate}`);
}

async function describe(method: AuthMethod, identityFiles: readonly string[]): Promise<string> {
  if (method.type === 'agent') return 'publickey, a key from ssh-agent';
  // authMethodsFor passes each identity file's bytes as read: the same bytes name the file.
  const key = method.key;
  for (const file of identityFiles) {
    const content = await readFile(file).catch(() => null);
    if (content !== null && (Buffer.isBuffer(key) || typeof key === 'string') && content.equals(Buffer.from(key))) return `publickey, identity file ${file}`;
  }
  return 'publickey (an identity file)';
}
