/** Running out of file descriptors, told apart from other errors wherever it happens. */
import { HostError } from '../errors.js';

export function isOutOfFiles(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'EMFILE' || code === 'ENFILE';
}

/** Out of file descriptors: the same clear advice wherever it happens (socket, ssh -G, a key file). */
export function tooManyOpenFiles(cause: unknown): HostError {
  return new HostError('error', 'too many open files for one more connection: raise the limit (ulimit -n) and restart pvlook', { cause });
}
