/**
 * Exit codes of the CLI (README "Command line"): scripts and CI pipelines branch on them, so each
 * cause has its own number and they never change meaning.
 */
export const EXIT = {
  ok: 0,
  /** The execution ended FAILURE (or a key deployment failed, or `vpn test` found the gateway down). */
  failure: 1,
  /** Bad command line, or a job file that cannot be read. */
  usage: 2,
  /** The execution ended INIT_FAILURE, STOPPED or KILLED. */
  notSucceeded: 3,
  /** Not logged in, the token was refused (401), or the alias/role is not permitted (403). */
  auth: 4,
  /** The job, execution or key pair does not exist (404). */
  notFound: 5,
  /** The server cannot be reached or is unavailable (connection refused, timeout, 503). */
  serverDown: 6,
  /** The server refused the request (400, 409, 413, 415, 429) or failed (500). */
  refused: 7,
  /** Interrupted (Ctrl-C) while following; the execution goes on. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI reports as one clear message (to stderr) and an exit code. */
export class CliError extends Error {
  constructor(
    readonly code: ExitCode,
    message: string,
    /** The HTTP status behind it, when there was one. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export const usageError = (message: string): CliError => new CliError(EXIT.usage, message);

/** SUCCESS is 0; FAILURE 1; the other ends (INIT_FAILURE, STOPPED, KILLED) 3. */
export function exitCodeForStatus(status: string): ExitCode {
  if (status === 'SUCCESS') return EXIT.ok;
  if (status === 'FAILURE') return EXIT.failure;
  return EXIT.notSucceeded;
}
