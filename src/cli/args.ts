/**
 * The command line, parsed with commander into what the user actually typed.
 * No option has a parser default, so the config step can tell a flag that was
 * given from one that was not (flags beat environment beats config file).
 */
import { Command, CommanderError, Option } from 'commander';
import { UsageError } from '../errors.js';
import type { ConfigInputs } from '../config/inputs.js';

/** Everything the command line can say: what the config step reads, and what only the cli acts on. */
export interface CliArgs extends ConfigInputs {
  command: 'sample' | 'demo' | 'check' | 'doctor';
  /** demo only: simulate this many hosts */
  fleet?: string;
}

/** What parsing produced: arguments to run with, or text already answered (help, version). */
export type ParsedCommandLine = { kind: 'run'; args: CliArgs } | { kind: 'answered'; text: string };

const EXAMPLES = `
Examples:
  pvlook -l /var/log/nginx/access.log web[01-12]     one snapshot of twelve hosts
  pvlook -w -n 2 -H servers -l /var/log/httpd/access_log
  pvlook --json -g apache | jq '.total.rate'          from a config file's group
  pvlook doctor -l /var/log/nginx/access.log web01   why a host cannot be sampled, step by step
  pvlook demo                                         a live view of a simulated fleet

Exit status: 0 every host sampled, 1 one or more hosts failed, 2 usage or config error.`;

/**
 * Every option's help text, once: `--help` shows it, and the README's option
 * tables are generated from the same commands (tools/write-options.ts; a
 * test checks they agree).
 */
function addOutputOptions(command: Command): Command {
  return command
    .option('-w, --watch', 'redraw every interval; on a terminal, in place on the alternate screen, until q or Ctrl-C')
    .option('-n, --interval <seconds>', 'seconds between samples, fractions allowed, at least 0.1 (default 1)')
    .option('--count <N>', 'stop after N ticks (implies --watch)')
    .option('--json', 'JSON: one object for a snapshot, one per line per tick with --watch')
    .option('-p, --parallel <N>', 'SSH commands in flight at once, fleet-wide (default 1000; never more than one per host)')
    .option('--timeout <seconds>', TIMEOUT_HELP)
    .addOption(new Option('--no-color', 'no colour; NO_COLOR=1 does the same, FORCE_COLOR=1 forces colour'))
    .option('--ascii', 'ASCII symbols only, for terminals where box and block characters misalign')
    .option('--listen <[host:]port>', 'serve Prometheus metrics at http://host:port/metrics (a bare port is loopback; 0.0.0.0:port, every interface, needs a token); implies --watch')
    .option('--textfile <path>', 'write Prometheus metrics to this file every tick, for node_exporter (implies --watch)')
    .option('--web <[host:]port>', 'serve a live web view of the fleet at http://host:port/ (a bare port is loopback); implies --watch')
    .option('--web-token <token>', 'the token the web view and /metrics require (needed beyond loopback; prefer PVLOOK_WEB_TOKEN: flags show in ps)');
}

const TIMEOUT_HELP = "deadline for each host's sample, covering its ssh settings, connecting, jump hosts and the answer, not time spent waiting in pvlook's own queues (default 10)";

/** Which hosts and logs, and how to reach them: the same for sampling, checking and doctor. */
function addHostOptions(command: Command): Command {
  return command
    .argument('[host...]', 'hosts as [user@]host[:port] or names from ~/.ssh/config; web[01-20] expands')
    .option('-l, --log <path>', 'log file on the remote hosts')
    .option('-c, --config <file>', 'config file to use (default: search for .pvlookrc)')
    .option('-H, --hosts-file <file>', 'file with one or more hosts per line, # comments (the old servers file works as is)')
    .option('-F, --ssh-config <file>', 'OpenSSH client config file, as ssh -F')
    .option('--accept-new', 'record the keys of hosts not yet in known_hosts, like StrictHostKeyChecking=accept-new; a changed key is still refused')
    .option('--shard <i/n>', 'only the i-th of n disjoint parts of the host list, by a hash of each host\'s name; n instances with 1/n ... n/n cover the fleet exactly once')
    .option('--shard-ordinal <k>', 'the same from a 0-based ordinal, as a StatefulSet numbers its pods: k of n is --shard k+1/n; k may be a pod name ending in -k (also PVLOOK_SHARD_ORDINAL); with --shard-count')
    .option('--shard-count <n>', 'how many shards, with --shard-ordinal (also PVLOOK_SHARD_COUNT)')
    .option('-g, --group <name>', 'only this group from the config file (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--split', 'when the log is a glob: one row per matched file instead of their sum')
    .option('--session <mode>', 'shell: one long-lived shell per host, one small request per sample (default); exec: a new shell for every sample')
    .option('--sudo', 'run the remote shell as root, as sudo -n /bin/sh -s, for logs only root can read; needs a NOPASSWD sudoers rule for /bin/sh -s')
    .option('--transport <client>', 'auto: the built-in SSH client unless a host\'s settings need OpenSSH (default); builtin; openssh: the system ssh, one process per host')
    .option('--pattern <name=regex>', 'also count new lines matching this POSIX extended regex (repeatable)', (value: string, previous: string[] = []) => [...previous, value]);
}

const CHECK_HELP = `
States (Nagios plugin conventions): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
  CRITICAL  a log's rate is below --min-rate or above --max-rate, or a
            pattern's share of the new lines is above --max-share
  WARNING   a rate dropped more than --max-drop percent below the mean of the
            earlier samples of this run, or a host could not be sampled
  WARNING   with --peers: a log is odd among its group's peers (its rate, or a
            pattern's share); CRITICAL when its ratio to their median is below
            --peers-critical-below or above --peers-critical-above
  UNKNOWN   no host could be sampled, or a usage or configuration error
Output: one line "PVLOOK <STATE> - <summary> | <perfdata>" (or JSON with --json).
Per-group thresholds: "check: { minRate, maxRate, maxDrop, maxShare, peers }" in a group of the config file.`;

/** The commands as commander builds them; `parsed` receives what the user typed. */
export function buildCommands(version: string, sink: { output: string; parsed: CliArgs | null }): Record<CliArgs['command'], Command> {
  const capture = { writeOut: (text: string) => (sink.output += text), writeErr: (text: string) => (sink.output += text) };
  const program = new Command('pvlook')
    .description('Lines per second of each server\'s access log, live, over SSH. Nothing is installed on the servers.')
    .usage('[options] [host...]')
    .version(version, '-V, --version', 'show the version')
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError('(run pvlook --help for usage)')
    // Options after a command's name belong to that command; those before it are the program's, and count for it too.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput(capture)
    .action((hosts: string[], options: Omit<CliArgs, 'command' | 'hosts'>) => {
      sink.parsed = { command: 'sample', hosts, ...options };
    });
  addHostOptions(program);
  addOutputOptions(program);
  /**
   * What the user typed for a command: its own options, and those given
   * before its name, which must be options it has too (the command's own
   * win). Defaults are left out, so that --no-color before a command is not
   * undone by the command's own default.
   */
  const typed = (command: Command): Omit<CliArgs, 'command' | 'hosts'> => {
    const given = (of: Command) => Object.fromEntries(Object.entries(of.opts()).filter(([key]) => of.getOptionValueSource(key) === 'cli'));
    const before = given(program);
    const own = new Set(command.options.map((option) => option.attributeName()));
    const foreign = program.options.filter((option) => before[option.attributeName()] !== undefined && !own.has(option.attributeName()));
    if (foreign.length > 0) {
      const names = foreign.map((option) => option.long ?? option.flags).join(', ');
      throw new UsageError(`${names}: not ${foreign.length === 1 ? 'an option' : 'options'} of pvlook ${command.name()} (given before "${command.name()}"; see pvlook help ${command.name()})`);
    }
    return { ...before, ...given(command) } as Omit<CliArgs, 'command' | 'hosts'>;
  };
  const withProgramOptions = (name: CliArgs['command'], command: () => Command) => (hosts: string[]) => {
    sink.parsed = { command: name, hosts, ...typed(command()) };
  };

  const check = new Command('check')
    .description('one check of every log against thresholds, for Nagios, Icinga, cron: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN')
    .option('--min-rate <lines/s>', 'CRITICAL below this rate')
    .option('--max-rate <lines/s>', 'CRITICAL above this rate')
    .option('--max-drop <percent>', 'WARNING when the rate is this much below the mean of the earlier samples')
    .option('--max-share <name=percent>', 'CRITICAL when the lines matching the named pattern are more than this percent of the new lines (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--peers', 'WARNING for a log that is odd among its peers (README: the odd one out)')
    .option('--peers-critical-below <ratio>', 'CRITICAL when an odd log is below this ratio to its peers\' median (implies --peers)')
    .option('--peers-critical-above <ratio>', 'CRITICAL when an odd log is above this ratio to its peers\' median (implies --peers)')
    .option('--samples <N>', 'samples to take, one interval apart, at least 2 (default 4: three rates; with --peers, enough for the peer comparison)')
    .option('-n, --interval <seconds>', 'seconds between samples, fractions allowed, at least 0.1 (default 1)')
    .option('--json', 'print the result as JSON')
    .option('-p, --parallel <N>', 'SSH commands in flight at once, fleet-wide (default 1000; never more than one per host)')
    .option('--timeout <seconds>', TIMEOUT_HELP)
    .addOption(new Option('--no-color', 'no colour; NO_COLOR=1 does the same, FORCE_COLOR=1 forces colour'))
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', CHECK_HELP)
    .exitOverride()
    .configureOutput(capture)
    .action(withProgramOptions('check', () => check));
  addHostOptions(check);
  program.addCommand(check);

  const doctor = new Command('doctor')
    .description('check, step by step, that each host can be sampled, and say how to fix what cannot: exit 0 all ready, 1 not')
    .option('--json', 'print the report as JSON')
    .option('--timeout <seconds>', TIMEOUT_HELP)
    .addOption(new Option('--no-color', 'no colour; NO_COLOR=1 does the same, FORCE_COLOR=1 forces colour'))
    .option('--ascii', 'ASCII symbols only, for terminals where box and block characters misalign')
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput(capture)
    .action(withProgramOptions('doctor', () => doctor));
  addHostOptions(doctor);
  program.addCommand(doctor);

  const demo = new Command('demo')
    .description('live view of a simulated fleet over a built-in loopback SSH server: no setup needed')
    .option('--fleet <N>', 'simulate N hosts instead of the small hand-made fleet')
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput(capture)
    .action(() => {
      sink.parsed = { command: 'demo', hosts: [], ...typed(demo) };
    });
  addOutputOptions(demo);
  program.addCommand(demo);
  return { sample: program, check, doctor, demo };
}

export function parseCommandLine(argv: readonly string[], version: string): ParsedCommandLine {
  // `pvlook help [command]` is `pvlook [command] --help`.
  if (argv[0] === 'help') {
    const topic = argv[1];
    if (topic !== undefined && !COMMANDS.has(topic)) throw new UsageError(`help ${JSON.stringify(topic)}: no such command; the commands are ${[...COMMANDS].join(', ')}`);
    return parseCommandLine(topic === undefined ? ['--help'] : [topic, '--help'], version);
  }
  const sink: { output: string; parsed: CliArgs | null } = { output: '', parsed: null };
  const { sample: program } = buildCommands(version, sink);
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return { kind: 'answered', text: sink.output };
      throw new UsageError(sink.output.trim() || error.message, { cause: error });
    }
    throw error;
  }
  if (sink.parsed === null) throw new UsageError('nothing to do (run pvlook --help for usage)');
  return { kind: 'run', args: stripColorDefault(sink.parsed, argv) };
}

const COMMANDS = new Set(['check', 'doctor', 'demo']);

/** commander gives --no-color a default of true; keep only what was typed. */
function stripColorDefault(args: CliArgs, argv: readonly string[]): CliArgs {
  const { color, ...rest } = args;
  return argv.includes('--no-color') && color === false ? { ...rest, color: false } : rest;
}
