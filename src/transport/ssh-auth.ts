/**
 * The authentication methods to try, in OpenSSH's order: the agent first,
 * then each IdentityFile that exists. Encrypted keys are left to the agent:
 * pvlook never asks for or stores a passphrase. The host's IdentityAgent
 * and IdentitiesOnly are honoured as ssh honours them: no agent with
 * "IdentityAgent none", and with IdentitiesOnly only the agent's keys that
 * an IdentityFile names.
 */
import { readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { AgentAuthMethod, IdentityCallback, ParsedKey, PublicKeyAuthMethod } from 'ssh2';
import { isOutOfFiles } from './out-of-files.js';
import type { SshSettings } from './ssh-settings.js';

export type AuthMethod = AgentAuthMethod | PublicKeyAuthMethod;

type AuthSettings = Pick<SshSettings, 'user' | 'identityFiles' | 'identityAgent' | 'identitiesOnly'>;

export async function authMethodsFor(settings: AuthSettings, agentSocket: string | undefined): Promise<AuthMethod[]> {
  const methods: AuthMethod[] = [];
  const agent = await agentFor(settings, agentSocket);
  if (agent !== null) methods.push({ type: 'agent', username: settings.user, agent });
  for (const file of settings.identityFiles) {
    const key = await readKey(file);
    if (key !== null) methods.push({ type: 'publickey', username: settings.user, key });
  }
  return methods;
}

/** The agent socket the host's settings name (SSH_AUTH_SOCK unless IdentityAgent says otherwise), or null. */
export function agentSocketFor(settings: Pick<SshSettings, 'identityAgent'>, agentSocket: string | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  const named = settings.identityAgent;
  if (named === undefined || named === 'SSH_AUTH_SOCK' || named === '$SSH_AUTH_SOCK') return agentSocket || null;
  if (named === 'none') return null;
  if (named.startsWith('$')) return env[named.slice(1)] || null;
  return named;
}

/** The agent to offer: all of its keys, or under IdentitiesOnly only those an IdentityFile names (null: none). */
async function agentFor(settings: AuthSettings, agentSocket: string | undefined): Promise<string | ssh2.BaseAgent | null> {
  const socket = agentSocketFor(settings, agentSocket);
  if (socket === null || settings.identitiesOnly !== true) return socket;
  const allowed = new Set((await Promise.all(settings.identityFiles.map(publicKeyOf))).filter((key) => key !== null));
  return allowed.size === 0 ? null : new NamedKeysAgent(socket, allowed);
}

/** An agent that lists only some of its keys: ssh2 would otherwise offer every one. */
class NamedKeysAgent extends ssh2.OpenSSHAgent {
  constructor(
    socket: string,
    private readonly allowed: ReadonlySet<string>,
  ) {
    super(socket);
  }

  override getIdentities(callback: IdentityCallback<ParsedKey>): void {
    super.getIdentities((error, keys) => {
      if (error || !keys) return callback(error, keys);
      callback(undefined, keys.filter((key) => 'getPublicSSH' in key && this.allowed.has(key.getPublicSSH().toString('base64'))));
    });
  }
}

/** An IdentityFile's public key, from `<file>.pub` or from the private key itself, as base64; null if neither can be read. */
async function publicKeyOf(file: string): Promise<string | null> {
  for (const candidate of [`${file}.pub`, file]) {
    const data = await readFile(candidate).catch(() => null);
    if (data === null) continue;
    const parsed = ssh2.utils.parseKey(data);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (key && !(key instanceof Error)) return key.getPublicSSH().toString('base64');
  }
  return null;
}

const keyCache = new Map<string, Promise<Buffer | null>>();

/** Read and check a private key once per process; null if absent, unreadable or encrypted. */
function readKey(file: string): Promise<Buffer | null> {
  let cached = keyCache.get(file);
  if (!cached) {
    cached = readFile(file).then(
      (data) => (ssh2.utils.parseKey(data) instanceof Error ? null : data),
      (error: NodeJS.ErrnoException) => {
        // Out of descriptors is not "no such key": fail the connection, and try again next time.
        if (isOutOfFiles(error)) {
          keyCache.delete(file);
          throw error;
        }
        return null;
      },
    );
    keyCache.set(file, cached);
  }
  return cached;
}
