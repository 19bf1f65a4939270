/**
 * The command line, parsed with commander into what the user actually typed.
 * No option has a parser default, so the config step can tell a flag that was
 * given from one that was not (flags beat environment beats config file).
 */
import { Command, CommanderError, Option } from 'commander';
import { UsageError } from '../errors.js';

export interface CliArgs {
  command: 'sample' | 'demo' | 'check' | 'doctor';
  hosts: string[];
  log?: string;
  config?: string;
  hostsFile?: string;
  sshConfig?: string;
  acceptNew?: boolean;
  group?: string[];
  shard?: string;
  pattern?: string[];
  split?: boolean;
  session?: string;
  sudo?: boolean;
  transport?: string;
  watch?: boolean;
  interval?: string;
  count?: string;
  json?: boolean;
  parallel?: string;
  timeout?: string;
  /** false only when --no-color was given */
  color?: boolean;
  ascii?: boolean;
  listen?: string;
  textfile?: string;
  /** serve the live web view at [host:]port */
  web?: string;
  webToken?: string;
  /** demo only: simulate this many hosts */
  fleet?: string;
  /** check only: thresholds and how many samples to take */
  minRate?: string;
  maxRate?: string;
  maxDrop?: string;
  peers?: boolean;
  peersCriticalBelow?: string;
  peersCriticalAbove?: string;
  samples?: string;
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

function addOutputOptions(command: Command): Command {
  return command
    .option('-w, --watch', 'redraw every interval until q or Ctrl-C')
    .option('-n, --interval <seconds>', 'seconds between samples (default 1, at least 0.1)')
    .option('--count <N>', 'with --watch: stop after N ticks')
    .option('--json', 'print JSON (one object per tick, one per line, with --watch)')
    .option('-p, --parallel <N>', 'SSH commands in flight at once, fleet-wide (default 1000)')
    .option('--timeout <seconds>', 'per-host connect and command timeout (default 10)')
    .addOption(new Option('--no-color', 'no colour (also NO_COLOR=1)'))
    .option('--ascii', 'ASCII symbols only, for terminals where box and block characters misalign')
    .option('--listen <host:port>', 'serve Prometheus metrics at http://host:port/metrics (implies --watch)')
    .option('--textfile <path>', 'write Prometheus metrics to this file every tick, for node_exporter (implies --watch)')
    .option('--web <[host:]port>', 'serve a live web view of the fleet at http://host:port/ (loopback unless a host is given; implies --watch)')
    .option('--web-token <token>', 'token the web view requires (needed beyond loopback; prefer PVLOOK_WEB_TOKEN: flags show in ps)');
}

/** Which hosts and logs, and how to reach them: the same for sampling and checking. */
function addHostOptions(command: Command): Command {
  return command
    .argument('[host...]', 'hosts as [user@]host[:port] or names from ~/.ssh/config; web[01-20] expands')
    .option('-l, --log <path>', 'log file on the remote hosts')
    .option('-c, --config <file>', 'config file (default: search for .pvlookrc)')
    .option('-H, --hosts-file <file>', 'file with one host per line, # comments')
    .option('-F, --ssh-config <file>', 'OpenSSH client config file (as ssh -F)')
    .option('--accept-new', 'record the keys of hosts not yet in known_hosts (like StrictHostKeyChecking=accept-new); changed keys are still refused')
    .option('--shard <i/n>', 'watch only the i-th of n disjoint parts of the host list (for n pvlook instances)')
    .option('-g, --group <name>', 'only this group from the config file (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--split', 'when the log is a glob: one row per matched file instead of their sum')
    .option('--session <mode>', 'shell: one long-lived shell per host (default); exec: a new shell for every sample')
    .option('--sudo', 'run the remote shell as root with sudo -n (for logs only root can read; needs NOPASSWD for /bin/sh -s)')
    .option('--transport <client>', 'auto: the built-in SSH client unless a host needs OpenSSH (default); builtin; openssh: the system ssh')
    .option('--pattern <name=regex>', 'also count new lines matching this POSIX extended regex (repeatable)', (value: string, previous: string[] = []) => [...previous, value]);
}

const CHECK_HELP = `
States (Nagios plugin conventions): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
  CRITICAL  a log's rate is below --min-rate or above --max-rate
  WARNING   a rate dropped more than --max-drop percent below the mean of the
            earlier samples of this run, or a host could not be sampled
  WARNING   with --peers: a log is odd among its group's peers (its rate, or a
            pattern's share); CRITICAL when its ratio to their median is below
            --peers-critical-below or above --peers-critical-above
  UNKNOWN   no host could be sampled, or a usage or configuration error
Output: one line "PVLOOK <STATE> - <summary> | <perfdata>" (or JSON with --json).
Per-group thresholds: "check: { minRate, maxRate, maxDrop, peers }" in a group of the config file.`;

export function parseCommandLine(argv: readonly string[], version: string): ParsedCommandLine {
  let output = '';
  let parsed: CliArgs | null = null;
  const program = new Command('pvlook')
    .description('Lines per second of each server\'s access log, live, over SSH. Nothing is installed on the servers.')
    .usage('[options] [host...]')
    .version(version, '-V, --version')
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError('(run pvlook --help for usage)')
    // Options after "demo" belong to demo, not to the top-level command.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: (text) => (output += text), writeErr: (text) => (output += text) })
    .action((hosts: string[], options: Omit<CliArgs, 'command' | 'hosts'>) => {
      parsed = { command: 'sample', hosts, ...options };
    });
  addHostOptions(program);
  addOutputOptions(program);

  const check = new Command('check')
    .description('one check of every log against thresholds, for Nagios, Icinga, cron: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN')
    .option('--min-rate <lines/s>', 'CRITICAL below this rate')
    .option('--max-rate <lines/s>', 'CRITICAL above this rate')
    .option('--max-drop <percent>', 'WARNING when the rate is this much below the mean of the earlier samples')
    .option('--peers', 'WARNING for a log that is odd among its peers (README: the odd one out)')
    .option('--peers-critical-below <ratio>', 'CRITICAL when an odd log is below this ratio to its peers\' median (implies --peers)')
    .option('--peers-critical-above <ratio>', 'CRITICAL when an odd log is above this ratio to its peers\' median (implies --peers)')
    .option('--samples <N>', 'samples to take, one interval apart (default 4: three rates; with --peers, enough for the peer comparison)')
    .option('-n, --interval <seconds>', 'seconds between samples (default 1)')
    .option('--json', 'print the result as JSON')
    .option('-p, --parallel <N>', 'SSH commands in flight at once')
    .option('--timeout <seconds>', 'per-host connect and command timeout (default 10)')
    .addOption(new Option('--no-color', 'no colour'))
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', CHECK_HELP)
    .exitOverride()
    .configureOutput({ writeOut: (text) => (output += text), writeErr: (text) => (output += text) })
    .action((hosts: string[], options: Omit<CliArgs, 'command' | 'hosts'>) => {
      parsed = { command: 'check', hosts, ...options };
    });
  addHostOptions(check);
  program.addCommand(check);

  const doctor = new Command('doctor')
    .description('check, step by step, that each host can be sampled, and say how to fix what cannot: exit 0 all ready, 1 not')
    .option('--json', 'print the report as JSON')
    .option('--timeout <seconds>', 'per-step timeout (default 10)')
    .addOption(new Option('--no-color', 'no colour'))
    .option('--ascii', 'ASCII symbols only')
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput({ writeOut: (text) => (output += text), writeErr: (text) => (output += text) })
    .action((hosts: string[], options: Omit<CliArgs, 'command' | 'hosts'>) => {
      parsed = { command: 'doctor', hosts, ...options };
    });
  addHostOptions(doctor);
  program.addCommand(doctor);

  const demo = new Command('demo')
    .description('live view of a simulated fleet over a built-in loopback SSH server: no setup needed')
    .option('--fleet <N>', 'simulate N hosts instead of the small hand-made fleet')
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput({ writeOut: (text) => (output += text), writeErr: (text) => (output += text) })
    .action((options: Omit<CliArgs, 'command' | 'hosts'>) => {
      parsed = { command: 'demo', hosts: [], ...options };
    });
  addOutputOptions(demo);
  program.addCommand(demo);

  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return { kind: 'answered', text: output };
      throw new UsageError(output.trim() || error.message, { cause: error });
    }
    throw error;
  }
  if (parsed === null) throw new UsageError('nothing to do (run pvlook --help for usage)');
  return { kind: 'run', args: stripColorDefault(parsed, argv) };
}

/** commander gives --no-color a default of true; keep only what was typed. */
function stripColorDefault(args: CliArgs, argv: readonly string[]): CliArgs {
  const { color, ...rest } = args;
  return argv.includes('--no-color') && color === false ? { ...rest, color: false } : rest;
}
