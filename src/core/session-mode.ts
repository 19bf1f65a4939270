/**
 * How a host runs pvlook's shell: `shell` keeps one long-lived shell per
 * host and sends it one request per sample; `exec` starts a new one for
 * every sample (a new channel, session and login shell on the server each
 * time), for servers where a long-lived channel is unwelcome.
 */
export type SessionMode = 'shell' | 'exec';
