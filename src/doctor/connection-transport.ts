/**
 * A Transport over one SSH connection doctor has already opened: pvlook's
 * shell (`/bin/sh -s`, or `sudo -n /bin/sh -s`) as a channel on it, so the probe code (HostShell,
 * ShellProber) runs unchanged on the connection whose steps were just shown.
 * Closing it leaves the connection to doctor, which closes it when done.
 */
import type { NodeSSH } from 'node-ssh';
import type { ClientChannel } from 'ssh2';
import { HostError } from '../errors.js';
import { SHELL_COMMAND } from '../probe/wire.js';
import type { RemoteShell, ShellListeners, Transport } from '../transport/transport.js';

export class ConnectionTransport implements Transport {
  constructor(private readonly ssh: NodeSSH) {}

  async openShell(_host: unknown, listeners: ShellListeners, signal: AbortSignal, options?: { command?: string }): Promise<RemoteShell> {
    signal.throwIfAborted();
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      const client = this.ssh.connection;
      if (!client) return reject(new HostError('unreachable', 'connection lost'));
      client.exec(options?.command ?? SHELL_COMMAND, (error, stream) => (error ? reject(new HostError('unreachable', `cannot start a shell: ${error.message}`, { cause: error })) : resolve(stream)));
    });
    let exit = '';
    channel.on('data', (chunk: Buffer) => listeners.stdout(chunk));
    channel.stderr.on('data', (chunk: Buffer) => listeners.stderr(chunk));
    channel.on('exit', (code: number | null, signalName?: string) => {
      exit = code !== null && code !== undefined ? `exit status ${code}` : `killed by ${signalName ?? 'a signal'}`;
    });
    channel.on('error', () => undefined);
    channel.once('close', () => listeners.closed(new HostError('badoutput', `the remote shell ended${exit ? ` (${exit})` : ''}`)));
    return {
      write: (text) => void channel.write(text),
      end: () => void channel.end(),
      abandon: () => void channel.close(),
    };
  }

  async close(): Promise<void> {}
}
