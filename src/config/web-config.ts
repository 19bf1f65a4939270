/**
 * The web view's settings from flags, environment and config file (later
 * wins as everywhere: file < PVLOOK_* < flags). Binding an address other
 * than loopback without a token is refused: the page shows the whole fleet.
 */
import { UsageError, quote } from '../errors.js';
import { addressProblem, formatAddress, isLoopback, parseWebAddress, type ListenAddress } from './web-address.js';

/** Long enough not to be guessed over HTTP, and only characters that are safe in a cookie and a header. */
const TOKEN_PATTERN = /^[A-Za-z0-9._~+/=-]{16,512}$/;

export interface WebConfig {
  address: ListenAddress;
  /** every request must carry it when set; required for any address but loopback */
  token: string | null;
  /** where the address came from (--web, PVLOOK_WEB, the file's key), for messages */
  source?: string;
}

export interface WebInputs {
  flag?: string | undefined;
  tokenFlag?: string | undefined;
  env: { PVLOOK_WEB?: string | undefined; PVLOOK_WEB_TOKEN?: string | undefined };
  file: { web?: string | undefined; webToken?: string | undefined };
  /** the config file's name, for messages */
  fileSource: string;
}

export function resolveWeb(inputs: WebInputs): WebConfig | null {
  const { flag, env, file, fileSource } = inputs;
  const [text, source] = flag !== undefined ? [flag, '--web'] : env.PVLOOK_WEB !== undefined && env.PVLOOK_WEB !== '' ? [env.PVLOOK_WEB, 'PVLOOK_WEB'] : file.web !== undefined ? [file.web, `${fileSource}: key "web"`] : [undefined, ''];
  if (text === undefined) return null;
  const address = parseWebAddress(text);
  if (address === null) throw new UsageError(`${source} ${quote(text)}: ${addressProblem(text)}`);
  const token = resolveHttpToken(inputs);
  requireTokenBeyondLoopback(address, token, `${source} ${quote(text)}`, 'the web view');
  return { address, token, source };
}

/**
 * The one token every HTTP route of pvlook requires (the web view, /events,
 * /metrics): --web-token, PVLOOK_WEB_TOKEN or the file's webToken.
 */
export function resolveHttpToken({ tokenFlag, env, file, fileSource }: Omit<WebInputs, 'flag'>): string | null {
  const [token, tokenSource] =
    tokenFlag !== undefined ? [tokenFlag, '--web-token'] : env.PVLOOK_WEB_TOKEN !== undefined && env.PVLOOK_WEB_TOKEN !== '' ? [env.PVLOOK_WEB_TOKEN, 'PVLOOK_WEB_TOKEN'] : file.webToken !== undefined ? [file.webToken, `${fileSource}: key "webToken"`] : [null, ''];
  // The token is a secret: never echo it in a message.
  if (token !== null && !TOKEN_PATTERN.test(token)) throw new UsageError(`${tokenSource}: expected at least 16 characters from A-Z a-z 0-9 . _ ~ + / = - (try: openssl rand -hex 16)`);
  return token;
}

/** Anything beyond loopback shows the fleet to the network: only with a token. */
export function requireTokenBeyondLoopback(address: ListenAddress, token: string | null, named: string, what: string): void {
  if (token === null && !isLoopback(address.host)) {
    throw new UsageError(`${named}: serving ${what} on ${formatAddress(address)}, beyond this machine, needs a token: set PVLOOK_WEB_TOKEN (or --web-token, or "webToken" in the config file); try: openssl rand -hex 16`);
  }
}

/** --listen naming the web view's own address: one server answers both (two would collide on the port). */
export function sharesAddress(web: WebConfig | null, listen: ListenAddress | null): boolean {
  const same = (host: string) => (host === 'localhost' ? '127.0.0.1' : host);
  return web !== null && listen !== null && web.address.port === listen.port && same(web.address.host) === same(listen.host);
}
