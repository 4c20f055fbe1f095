import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api, errorText, seg } from '../api';
import { Notice } from './Notice';

/** GET/PUT /v2/accounts/{alias}/retention (README "Retention"). */
interface Retention {
  retentionDays: number | null;
  effectiveRetentionDays: number;
  setBy: string | null;
  serviceDefaultDays: number;
}

/** What applies to the account's runs, in words. */
export function retentionText(alias: string, r: Retention): string {
  const kept = r.effectiveRetentionDays === 0 ? 'kept forever' : `deleted ${r.effectiveRetentionDays} days after they end`;
  const source = r.setBy === alias ? 'this account’s setting' : r.setBy ? `the setting of ${r.setBy}` : 'the service default';
  return `Finished runs of ${alias} are ${kept} (${source}).`;
}

/** How long the account keeps finished runs: its own days, 0 for forever, or empty to follow its parent / the service. */
export function RetentionSetting({ alias, onError }: { alias: string; onError(error: string | null): void }) {
  const path = `/v2/accounts/${seg(alias)}/retention`;
  const [stored, setStored] = useState<Retention | null>(null);
  const [days, setDays] = useState('');
  const [notice, setNotice] = useState<string | null>(null);

  const show = useCallback((r: Retention) => {
    setStored(r);
    setDays(r.retentionDays === null ? '' : String(r.retentionDays));
  }, []);
  useEffect(() => {
    api.get<Retention>(path).then(show, (e) => onError(errorText(e)));
  }, [path, show, onError]);

  // The PUT answers the setting as a GET would: shown from that, no second request.
  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    onError(null);
    setNotice(null);
    // Sent as typed (a number when it reads as one): the API says what is wrong with the rest.
    const retentionDays = days.trim() === '' ? null : Number.isNaN(Number(days)) ? days : Number(days);
    try {
      show(await api.put<Retention>(path, { retentionDays }));
      setNotice('Retention saved.');
    } catch (e) {
      onError(errorText(e));
    }
  };

  return (
    <form className="form card settings-section" onSubmit={(e) => void save(e)} aria-labelledby="retention-head">
      <h2 id="retention-head">Retention of runs</h2>
      <p className="hint">Older finished runs are deleted with their records, output and deliveries; queued and running ones never are. Sub-accounts without a setting of their own follow this one.</p>
      <Notice text={notice} />
      {stored && <p>{retentionText(alias, stored)}</p>}
      <label>
        Days to keep finished runs
        <input name="retentionDays" inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} placeholder="the default" aria-describedby="retention-hint" />
      </label>
      <p id="retention-hint" className="hint">
        0 keeps runs forever; empty follows the parent account, or the service default ({stored?.serviceDefaultDays ?? '…'} days).
      </p>
      <div className="form-actions">
        <button type="submit" className="primary">
          Save retention
        </button>
      </div>
    </form>
  );
}
