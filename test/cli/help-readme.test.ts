/**
 * The command line as a new user meets it: help, options placed before or
 * after a command, and the README's option tables, which must say what
 * --help says.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCommandLine } from '../../src/cli/args.js';
import { OPTION_TABLE_MARKER, optionsTable, withOptionTables } from '../../src/cli/options-table.js';
import { UsageError } from '../../src/errors.js';
import { runCli } from '../helpers/run-cli.js';

const readme = readFileSync(path.join(import.meta.dirname, '../../README.md'), 'utf8');

test('the README\'s option tables are the commands\' own help text (npm run options)', () => {
  assert.equal(withOptionTables(readme), readme, 'run npm run options');
  for (const command of ['sample', 'check', 'doctor'] as const) assert.ok(readme.includes(OPTION_TABLE_MARKER(command)), `README has the ${command} table`);
});

test('every option in a command\'s --help is in its README table, with the same words', () => {
  for (const [command, argv] of [['sample', ['--help']], ['check', ['check', '--help']], ['doctor', ['doctor', '--help']]] as const) {
    const parsed = parseCommandLine(argv, '1.0.0');
    assert.equal(parsed.kind, 'answered');
    const help = parsed.kind === 'answered' ? parsed.text.replace(/\s+/g, ' ') : '';
    for (const row of optionsTable(command).split('\n').slice(2)) {
      const [, flags, meaning] = /^\| `(.*)` \| (.*) \|$/.exec(row)!;
      assert.ok(help.includes(flags!.replaceAll('\\|', '|')), `${command} --help lists ${flags}`);
      assert.ok(help.includes(meaning!.replaceAll('\\|', '|')), `${command} --help says of ${flags}: ${meaning}`);
    }
  }
});

test('pvlook help and pvlook help <command> show the help; an unknown topic is a usage error', () => {
  const main = parseCommandLine(['help'], '1.0.0');
  assert.ok(main.kind === 'answered' && main.text.includes('Usage: pvlook [options] [host...]'));
  const check = parseCommandLine(['help', 'check'], '1.0.0');
  assert.ok(check.kind === 'answered' && check.text.includes('Usage: pvlook check') && check.text.includes('--max-share'));
  assert.throws(() => parseCommandLine(['help', 'chek'], '1.0.0'), (error: unknown) => error instanceof UsageError && /no such command; the commands are check, doctor, demo/.test(error.message));
});

test('options before a command count for it, and the command\'s own win', () => {
  const parsed = parseCommandLine(['-F', 'cfg', '-l', '/var/log/x.log', '--timeout', '3', 'doctor', '--timeout', '5', 'h1'], '1.0.0');
  assert.equal(parsed.kind, 'run');
  if (parsed.kind !== 'run') return;
  assert.equal(parsed.args.command, 'doctor');
  assert.equal(parsed.args.sshConfig, 'cfg');
  assert.equal(parsed.args.log, '/var/log/x.log');
  assert.equal(parsed.args.timeout, '5');
  assert.deepEqual(parsed.args.hosts, ['h1']);
  const check = parseCommandLine(['-l', '/x', 'check', '--max-share', 'errors=5', 'h1'], '1.0.0');
  assert.ok(check.kind === 'run' && check.args.command === 'check' && check.args.log === '/x' && check.args.maxShare?.[0] === 'errors=5');
});

test('check: --samples 1 is a usage error (a rate needs two), --max-share must be name=percent', async () => {
  const one = await runCli(['check', '-l', '/x', '--samples', '1', 'h1']);
  assert.equal(one.code, 3);
  assert.match(one.stdout, /^PVLOOK UNKNOWN - --samples "1": at least 2/);
  const share = await runCli(['check', '-l', '/x', '--max-share', 'errors', 'h1']);
  assert.equal(share.code, 3);
  assert.match(share.stdout, /--max-share "errors": expected name=percent/);
});

test('an option before a command must be one the command has; --no-color there is kept', () => {
  const doctor = parseCommandLine(['--no-color', 'doctor', 'h1'], '1.0.0');
  assert.ok(doctor.kind === 'run' && doctor.args.command === 'doctor' && doctor.args.color === false);
  const plain = parseCommandLine(['doctor', 'h1'], '1.0.0');
  assert.ok(plain.kind === 'run' && plain.args.color === undefined, 'no --no-color typed: none reported');
  assert.throws(() => parseCommandLine(['--count', '1', 'check', 'h1'], '1.0.0'), (error: unknown) => error instanceof UsageError && /^--count: not an option of pvlook check \(given before "check"; see pvlook help check\)$/.test(error.message));
  assert.throws(() => parseCommandLine(['-w', '--listen', '9469', 'doctor', 'h1'], '1.0.0'), /--watch, --listen: not options of pvlook doctor/);
});
