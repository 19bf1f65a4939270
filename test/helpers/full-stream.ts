/**
 * A second reader of a running pvlook's /events?full: every whole snapshot
 * (the --json object) it publishes, handed over as it arrives.
 */
import { request } from 'node:http';
import type { JsonSnapshot } from '../../src/render/json.js';

/** Follow `url`'s /events?full; the function returned stops following. */
export function followFullStream(url: string, onSnapshot: (snapshot: JsonSnapshot) => void): () => void {
  const req = request(`${url}events?full`, (response) => {
    let buffer = '';
    response.on('data', (chunk: Buffer) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (message.startsWith('data: ')) onSnapshot(JSON.parse(message.slice(6)) as JsonSnapshot);
      }
    });
  });
  // pvlook stopping or restarting under the reader ends its stream: not the test's failure.
  req.on('error', () => {});
  req.end();
  return () => req.destroy();
}
