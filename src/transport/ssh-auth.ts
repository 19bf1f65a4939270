/**
 * The authentication methods to try, in OpenSSH's order: the agent first,
 * then each IdentityFile that exists. Encrypted keys are left to the agent:
 * pvlook never asks for or stores a passphrase.
 */
import { readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { AgentAuthMethod, PublicKeyAuthMethod } from 'ssh2';
import { isOutOfFiles } from './classify-error.js';

export type AuthMethod = AgentAuthMethod | PublicKeyAuthMethod;

export async function authMethodsFor(user: string, identityFiles: readonly string[], agentSocket: string | undefined): Promise<AuthMethod[]> {
  const methods: AuthMethod[] = [];
  if (agentSocket) methods.push({ type: 'agent', username: user, agent: agentSocket });
  for (const file of identityFiles) {
    const key = await readKey(file);
    if (key !== null) methods.push({ type: 'publickey', username: user, key });
  }
  return methods;
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
