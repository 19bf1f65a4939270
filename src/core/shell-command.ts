/**
 * The remote command of every host shell. It lives in core because both the
 * transports (which run it) and the prober (which picks it) need it, and
 * transport must not import probe.
 */

/** The one command pvlook runs on a host; the functions and requests arrive on stdin. */
export const SHELL_COMMAND = '/bin/sh -s';
/**
 * The same shell as root, for hosts with `sudo`. `-n`: sudo fails at once
 * ("a password is required") rather than prompt on a channel nobody types in.
 */
export const SUDO_SHELL_COMMAND = `sudo -n ${SHELL_COMMAND}`;
