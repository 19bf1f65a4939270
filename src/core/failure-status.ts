/**
 * Why one host could not be sampled. `status` is a single word shown in the
 * table and in JSON; the message is one short line, never a stack trace.
 */
export type FailureStatus =
  | 'unreachable'
  | 'refused'
  | 'dns'
  | 'auth'
  | 'hostkey'
  | 'timeout'
  | 'nolog'
  | 'noperm'
  | 'badoutput'
  | 'error';
