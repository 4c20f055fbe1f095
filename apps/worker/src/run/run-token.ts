import type { RunnerConfig } from '@app/config';
import type { AuthTokenRepository, Execution } from '@app/database';
import { Clock, DEFAULT_STOP_GRACE_SECONDS } from '@app/domain';
import { bearerTokenHash, newBearerToken } from '@app/keys';

/**
 * A run's token outlives its executionTtl by the stop's grace and this much (the time from minting
 * to the TTL timer's start): a hard upper bound, for a run whose end never got stored.
 */
const RUN_TOKEN_MARGIN_SECONDS = 60;

/**
 * The API's URL and a token minted for this run (README "Runs that call back"), for the run's
 * environment only: never argv, masked like every secret. The token acts for the run's account
 * alone with the roles of whoever started the run (the service account's user for a schedule:
 * executions.created_by), and is revoked when the run ends; its expiry bounds it if that end is
 * never stored. Only its hash is stored.
 */
export class RunToken {
  /** The hash of the token once minted: revoked when this worker is done with the run. */
  private tokenHash?: Buffer;

  constructor(
    private readonly deps: { config: RunnerConfig; tokens: AuthTokenRepository; clock: Clock },
    private readonly execution: Execution,
  ) {}

  /** The run's call-back environment; the token is handed to `mask` before anything can print it. */
  async mint(ttlMinutes: number, accountAlias: string | undefined, mask: (token: string) => void): Promise<NodeJS.ProcessEnv> {
    const userId = this.execution.createdBy;
    // Every run that reaches Ansible has a starter (a schedule without one ends INIT_FAILURE); a row
    // from before created_by was kept gets no token rather than someone else's.
    if (!userId) return {};
    const token = newBearerToken();
    const now = this.deps.clock.now();
    const lifetimeSeconds = ttlMinutes * 60 + DEFAULT_STOP_GRACE_SECONDS + RUN_TOKEN_MARGIN_SECONDS;
    this.tokenHash = bearerTokenHash(token);
    mask(token);
    await this.deps.tokens.insertRunToken(
      {
        tokenHash: this.tokenHash,
        userId,
        accountId: this.execution.accountId,
        executionId: this.execution.id,
        expiresAt: new Date(now.getTime() + lifetimeSeconds * 1000),
      },
      now,
    );
    // The alias too: a token does not say which account it acts for, and the collection needs one.
    return { RUNNER_API_URL: this.deps.config.runApiUrl, RUNNER_API_TOKEN: token, ...(accountAlias ? { RUNNER_ACCOUNT_ALIAS: accountAlias } : {}) };
  }

  /** The run's end revoked it already, unless that end was never stored. */
  async revoke(): Promise<void> {
    if (this.tokenHash) await this.deps.tokens.revokeRunToken(this.tokenHash, this.deps.clock.now()).catch(() => undefined);
  }
}
