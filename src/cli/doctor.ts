/**
 * `pvlook doctor [host…]`: the same hosts and settings as a normal run, each
 * diagnosed step by step (doctor/), reported as text or JSON. Exit 0 when
 * every host would be sampled, 1 when one would not; usage and config errors
 * are thrown to main, which makes them 2 like everywhere else.
 */
import os from 'node:os';
import pLimit from 'p-limit';
import { resolveConfig, type ResolveContext } from '../config/resolve.js';
import { diagnoseHost, doctorTransport } from '../doctor/diagnose-host.js';
import { doctorJson, doctorText } from '../render/doctor-report.js';
import { makeStyle } from '../render/style.js';
import type { CliArgs } from './args.js';
import type { MainIO } from './session.js';
import { EXIT_HOST_FAILED, EXIT_OK } from '../core/exit-codes.js';

/** Hosts diagnosed at once: each is a handful of steps on its own connection, and the report waits for all. */
const AT_ONCE = 16;

export async function runDoctor(args: CliArgs, context: ResolveContext, io: MainIO): Promise<number> {
  const config = await resolveConfig(args, context);
  const limit = pLimit(AT_ONCE);
  const doctorContext = {
    sshConfigFile: config.sshConfigFile,
    agentSocket: io.env.SSH_AUTH_SOCK,
    acceptNewHostKeys: config.acceptNewHostKeys,
    timeoutMs: config.timeoutMs,
    home: io.env.HOME ?? os.homedir(),
  };
  const transport = doctorTransport(doctorContext);
  let hosts;
  try {
    hosts = await Promise.all(config.hosts.map((plan) => limit(() => diagnoseHost(plan, doctorContext, transport))));
  } finally {
    await transport.close();
  }
  io.stdout.write(config.json ? doctorJson(hosts) + '\n' : doctorText(hosts, makeStyle(config.color, config.ascii)));
  return hosts.every((host) => host.ok) ? EXIT_OK : EXIT_HOST_FAILED;
}
