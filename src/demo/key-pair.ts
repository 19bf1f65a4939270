/**
 * A throwaway ed25519 key pair for the simulated fleet's server and client.
 */
import ssh2 from 'ssh2';

export interface KeyPair {
  private: string;
  public: string;
}

/**
 * ssh2's generator drops leading zero bytes from the public key, so about one
 * key in 256 cannot be read back (mscdex/ssh2#1390, #1513). Draw again until
 * both halves parse: a demo must start every time.
 */
export function generateKeyPair(): KeyPair {
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519');
    if (!(ssh2.utils.parseKey(pair.private) instanceof Error) && !(ssh2.utils.parseKey(pair.public) instanceof Error)) return pair;
  }
}
