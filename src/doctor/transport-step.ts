/**
 * Step 2: which client connects, and why. One function of the resolved
 * settings, so a chooser between transports can take its place. Today there
 * is one: pvlook's built-in client (ssh2), which cannot run a ProxyCommand
 * (connecting directly would bypass whatever the command is for, so the
 * transport refuses) nor offer a certificate (it logs in with plain keys).
 */
import type { Resolution } from './resolve-step.js';
import { failed, passed, type StepResult } from './step.js';

export function transportStep({ settings, certificateFiles }: Resolution): StepResult {
  if (settings.proxyCommand !== null) {
    return failed(
      'transport',
      `built-in client: it cannot run ProxyCommand ${settings.proxyCommand}, and will not connect around it`,
      'use ProxyJump for this host instead (ProxyCommand "ssh -W %h:%p bastion" is ProxyJump bastion)',
    );
  }
  if (certificateFiles.length > 0) {
    return passed('transport', `built-in client (the only one so far); it cannot use CertificateFile ${certificateFiles.join(', ')}: it logs in with plain keys only`);
  }
  return passed('transport', 'built-in client (the only one so far)');
}
