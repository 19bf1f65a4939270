/**
 * A host as the user wrote it: `[user@]host[:port]`, `[user@][v6addr][:port]`,
 * or a name from the OpenSSH client config.
 */
export interface HostSpec {
  /** exactly as given; the key pvlook shows and reports */
  label: string;
  host: string;
  user: string | null;
  port: number | null;
}

export class HostSpecError extends Error {
  override name = 'HostSpecError';
}

// Host names may not start with "-", so no spec can be read as an ssh option.
const HOST_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.%-]*$/;
const USER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export function parseHostSpec(label: string): HostSpec {
  const text = label.trim();
  if (text === '') throw new HostSpecError('empty host name');
  const at = text.lastIndexOf('@');
  const user = at === -1 ? null : text.slice(0, at);
  const rest = at === -1 ? text : text.slice(at + 1);
  if (user !== null && !USER_NAME.test(user)) throw new HostSpecError(`bad user name in ${JSON.stringify(label)}`);

  let host: string;
  let portText: string | null;
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::(.*))?$/.exec(rest);
  if (bracketed) {
    host = bracketed[1] as string;
    portText = bracketed[2] ?? null;
  } else {
    const colon = rest.indexOf(':');
    host = colon === -1 ? rest : rest.slice(0, colon);
    portText = colon === -1 ? null : rest.slice(colon + 1);
    if (!HOST_NAME.test(host)) throw new HostSpecError(`bad host name in ${JSON.stringify(label)}`);
  }
  let port: number | null = null;
  if (portText !== null) {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw new HostSpecError(`bad port in ${JSON.stringify(label)}`);
  }
  return { label: text, host, user, port };
}
