/**
 * pvlook's entry point as a function: parse, resolve the config, run, and
 * decide the exit status in one place. It never calls process.exit, so it can
 * be imported and tested, and the terminal is always restored on the way out.
 */
import { readFileSync } from 'node:fs';
import type { Config } from '../config/config.js';
import { resolveConfig } from '../config/resolve.js';
import { ConfigError, UsageError } from '../errors.js';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE } from '../core/exit-codes.js';
import { fdLimitWarning, openFilesLimit } from '../transport/fd-limit.js';
import { parseCommandLine } from './args.js';
import { runDemo } from './demo.js';
import { runCheck, unknown } from './check.js';
import { runDoctor } from './doctor.js';
import { runSession, shellProber, type MainIO } from './session.js';
import { safeLines } from '../core/safe-text.js';
import { fleetTransport } from '../transport/fleet-transport.js';
import type { RecordedKey } from '../transport/host-key-check.js';

export const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export async function main(argv: readonly string[], io: MainIO = processIO()): Promise<number> {
  try {
    const parsed = parseCommandLine(argv, VERSION);
    if (parsed.kind === 'answered') {
      io.stdout.write(parsed.text);
      return EXIT_OK;
    }
    const { args } = parsed;
    const context = { env: io.env, cwd: io.cwd, stdoutIsTTY: io.stdout.isTTY === true };
    if (args.command === 'demo') return await runDemo(args, context, io);
    // Keys --accept-new records are told once the run is over and the terminal is the user's again.
    const recorded: RecordedKey[] = [];
    const sshProber = (config: Config) => {
      const transport = fleetTransport({
        sshConfigFile: config.sshConfigFile,
        acceptNewHostKeys: config.acceptNewHostKeys,
        agentSocket: io.env.SSH_AUTH_SOCK,
        onKeyRecorded: (key) => recorded.push(key),
      });
      return shellProber(transport);
    };
    if (args.command === 'doctor') return await runDoctor(args, context, io);
    try {
      if (args.command === 'check') return await runCheck(args, context, io, sshProber);
      const config = await resolveConfig(args, context);
      const warning = fdLimitWarning(config.hosts.length, openFilesLimit());
      if (warning) io.stderr.write(`pvlook: warning: ${warning}\n`);
      return await runSession(config, sshProber(config), io);
    } finally {
      for (const line of recordedKeyLines(recorded)) io.stderr.write(`pvlook: ${safeLines(line)}\n`);
    }
  } catch (error) {
    // A monitoring system reads a check's stdout and exit code, never its stderr.
    if (argv[0] === 'check' && (error instanceof UsageError || error instanceof ConfigError)) return unknown(io, argv.includes('--json'), error.message);
    return reportError(error, io);
  }
}

/** What --accept-new added, one line a key: which host, which key, which file. */
function recordedKeyLines(keys: readonly RecordedKey[]): string[] {
  return keys.map((key) => `--accept-new recorded the ${key.keyType} key${key.fingerprint ? ` ${key.fingerprint}` : ''} of ${key.host}${key.name !== key.host ? ` (as ${key.name})` : ''} in ${key.file ?? "the host's first UserKnownHostsFile"}`);
}

function reportError(error: unknown, io: MainIO): number {
  if (error instanceof UsageError || error instanceof ConfigError) {
    // Config values are quoted as JSON, which leaves C1 and bidi characters as they are.
    io.stderr.write(`pvlook: ${safeLines(error.message)}\n`);
    return EXIT_USAGE;
  }
  const detail = io.env.PVLOOK_DEBUG ? String((error as Error)?.stack ?? error) : String((error as Error)?.message ?? error);
  // An unexpected error's message may quote a host's words: shown, never obeyed.
  io.stderr.write(`pvlook: internal error: ${safeLines(detail)}\n(please report this; run with PVLOOK_DEBUG=1 for details)\n`);
  return EXIT_INTERNAL;
}

function processIO(): MainIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}
