import { isDatabaseUnavailable } from '@app/database';
import type { Clock } from '@app/domain';

/**
 * Runs `work`, retrying with backoff (200 ms doubling to 2 s) for as long as the database is
 * unreachable, up to `outageSeconds` counted from the first failure (on `clock`). Any other error,
 * or an outage longer than that, is thrown. This is how a run keeps going through a PostgreSQL restart.
 */
export async function rideOutOutage<T>(
  work: () => Promise<T>,
  { outageSeconds, clock, onWaiting }: { outageSeconds: number; clock: Clock; onWaiting?: (error: Error) => void },
): Promise<T> {
  let deadline: number | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      deadline ??= clock.now().getTime() + outageSeconds * 1000;
      if (clock.now().getTime() >= deadline) throw error;
      if (attempt === 0) onWaiting?.(error as Error);
      await new Promise((resolve) => setTimeout(resolve, Math.min(200 * 2 ** attempt, 2000)));
    }
  }
}
