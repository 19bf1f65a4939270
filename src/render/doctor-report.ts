/**
 * `pvlook doctor`'s output: a text report (a block per host, a line per step,
 * a fix under each failure) and the --json object. Pure functions of the
 * diagnoses. Every detail may carry text from a host or a config file, so
 * every string is made safe here, the last step before output.
 */
import { safeText } from '../core/safe-text.js';
import { shownText } from './shown-text.js';
import type { HostDiagnosis, StepResult, StepStatus } from '../doctor/step.js';
import type { Style } from './style.js';

const MARKS: Record<StepStatus, { unicode: string; ascii: string }> = {
  ok: { unicode: '✓', ascii: '+' },
  failed: { unicode: '✗', ascii: 'x' },
  'not reached': { unicode: '·', ascii: '.' },
  'not asked': { unicode: '–', ascii: '-' },
};

const NAME_WIDTH = 'handshake'.length;

export function doctorText(hosts: readonly HostDiagnosis[], style: Style): string {
  const { paint } = style;
  const blocks = hosts.map((host) => {
    const stoppedAt = host.steps.find((step) => step.status === 'failed');
    const verdict = host.ok ? paint.green('ready to sample') : paint.red(`would not be sampled (${stoppedAt?.name ?? 'a step'} failed)`);
    return [`${paint.bold(shownText(host.host, style))}: ${verdict}`, ...host.steps.flatMap((step) => stepLines(step, style))].join('\n');
  });
  const ready = hosts.filter((host) => host.ok).length;
  const summary = `${hosts.length} host${hosts.length === 1 ? '' : 's'}: ${ready} ready, ${hosts.length - ready} not`;
  return [...blocks, hosts.length > 1 ? summary : null].filter((block) => block !== null).join('\n\n') + '\n';
}

function stepLines(step: StepResult, style: Style): string[] {
  const { paint } = style;
  const mark = style.ascii ? MARKS[step.status].ascii : MARKS[step.status].unicode;
  const colour = step.status === 'ok' ? paint.green : step.status === 'failed' ? paint.red.bold : paint.dim;
  const name = step.name.padEnd(NAME_WIDTH);
  const detail = step.status === 'ok' || step.status === 'failed' ? shownText(step.detail, style) : paint.dim(shownText(step.detail, style));
  const lines = [`  ${colour(mark)} ${colour(name)}  ${detail}`];
  if (step.fix !== null) lines.push(`  ${' '.repeat(NAME_WIDTH + 2)}  ${paint.yellow(`fix: ${shownText(step.fix, style)}`)}`);
  return lines;
}

/** One object: whether every host would be sampled, and each host's steps. */
export function doctorJson(hosts: readonly HostDiagnosis[]): string {
  return JSON.stringify({
    ok: hosts.every((host) => host.ok),
    hosts: hosts.map((host) => ({
      host: safeText(host.host),
      ok: host.ok,
      steps: host.steps.map((step) => ({
        name: step.name,
        // true or false for steps that ran; null for steps not reached or not asked (status says which)
        ok: step.status === 'ok' ? true : step.status === 'failed' ? false : null,
        status: step.status,
        detail: safeText(step.detail),
        fix: step.fix === null ? null : safeText(step.fix),
      })),
    })),
  });
}
