import { useState } from 'react';
import { errorText } from './api';

/**
 * A page's error banner and its announcement (`Notice`), and the one way the page changes
 * something: `change(work, done)` clears both, runs `work`, reads the list again (`reload`) and only
 * then announces `done`, so what the announcement says is on the page when it is heard; the API's
 * refusal shows in the error banner instead. It answers whether the change went through.
 * `reportError` sends errors to a banner the page above owns (a panel of a page) instead of its own.
 */
export function useChange(reload: () => Promise<unknown> | void, reportError?: (error: string | null) => void) {
  const [ownError, setOwnError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const error = reportError ? null : ownError;
  const setError = reportError ?? setOwnError;
  const change = async (work: () => Promise<unknown>, done: string | null): Promise<boolean> => {
    setError(null);
    setNotice(null);
    try {
      await work();
      await reload();
      setNotice(done);
      return true;
    } catch (e) {
      setError(errorText(e));
      return false;
    }
  };
  return { error, setError, notice, setNotice, change };
}
