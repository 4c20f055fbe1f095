import { ProbeRefused } from './probe-target';

/**
 * Said for every failure to get an SSH conversation going: a closed port, a filtered one (no
 * answer), no route, a reset, or a port where something other than SSH answers. One message for
 * all, so the service's answers cannot be used to scan a network for open and filtered ports.
 */
export const NOT_ACCEPTED = 'did not accept an SSH connection';

/**
 * Why an SSH login from the service failed, in words for the tenant. `refusedLogin` is said when
 * the host is an SSH server that refused the credentials (each caller names its own).
 */
export function sshFailure(error: Error & { code?: string; level?: string }, refusedLogin: string): string {
  if (error instanceof ProbeRefused) return error.message;
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN' || error.code === 'EAI_NONAME') return 'its name does not resolve';
  if (error.level === 'client-authentication') return refusedLogin;
  // An SSH server that offered nothing this client speaks: it is SSH, so saying so tells no more
  // than a successful login would, and the operator needs the detail.
  if (error.level === 'handshake') return `the SSH handshake failed: ${error.message}`;
  return NOT_ACCEPTED;
}
