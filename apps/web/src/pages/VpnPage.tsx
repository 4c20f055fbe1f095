import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { api, errorText, type Page, seg } from '../api';
import { useChange } from '../change';
import { ErrorBanner } from '../components/ErrorBanner';
import { FormActions } from '../components/FormActions';
import { LabelledInput } from '../components/LabelledInput';
import { Notice } from '../components/Notice';
import { Pager } from '../components/Pager';
import { ConfirmDelete, RowActions, RowButton } from '../components/RowActions';
import { StatusBadge } from '../components/StatusBadge';
import { ListTable } from '../components/Table';
import { bindFields } from '../fields';
import { formatTime } from '../format';
import { Link } from '../router';
import { may, type Session } from '../session';
import { EMPTY_VPN_FORM, gatewayText, testAnswerText, type VpnConnection, vpnBodyOf, type VpnForm, vpnFormOf, type VpnTestAnswer } from '../vpn-form';

const SIZE = 50;

/** What the row's live region says: a test under way, or the last answer of this page's Test. */
type Answer = { state: 'testing' | 'up' | 'down'; text: string };

/** VPN connections (SSH gateways and the networks behind them): list, add, edit, test, delete. */
export function VpnPage({ session }: { session: Session }) {
  const base = `/v2/automation/vpn/${seg(session.accountAlias)}`;
  const [page, setPage] = useState(0);
  const [connections, setConnections] = useState<Page<VpnConnection> | null>(null);
  const [keypairs, setKeypairs] = useState<string[] | null>(null);
  const [form, setForm] = useState<VpnForm>(EMPTY_VPN_FORM);
  const [editing, setEditing] = useState<VpnConnection | null>(null);
  const [answers, setAnswers] = useState<Record<string, Answer>>({});
  const nameField = useRef<HTMLInputElement>(null);
  const manage = may(session, 'manage');
  const { error, setError, notice, setNotice, change } = useChange(() => load());

  const load = useCallback(
    (): Promise<void> => api.get<Page<VpnConnection>>(`${base}?page=${page}&size=${SIZE}`).then(setConnections, (e) => setError(errorText(e))),
    [base, page, setError],
  );
  useEffect(() => void load(), [load]);
  // The key pair choices, for the form only (roles that cannot write connections never see it).
  useEffect(() => {
    if (!manage) return;
    api.get<{ alias: string }[]>(`/v2/automation/keypairs/${seg(session.accountAlias)}`).then(
      (list) => setKeypairs(list.map((k) => k.alias)),
      (e) => setError(errorText(e)),
    );
  }, [manage, session.accountAlias, setError]);

  const reset = (): void => {
    setEditing(null);
    setForm(EMPTY_VPN_FORM);
  };

  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const name = form.name.trim();
    const saved = editing
      ? await change(() => api.put(`${base}/${seg(editing.id)}`, vpnBodyOf(form)), `VPN connection ${name} saved.`)
      : await change(() => api.post(base, vpnBodyOf(form)), `VPN connection ${name} added. Test it to check that the gateway accepts its key pair.`);
    if (saved) reset();
  };

  const edit = (connection: VpnConnection): void => {
    setError(null);
    setNotice(null);
    setEditing(connection);
    setForm(vpnFormOf(connection));
    // Keyboard and screen-reader users continue in the form they asked for.
    requestAnimationFrame(() => nameField.current?.focus());
  };

  const test = async (connection: VpnConnection): Promise<void> => {
    setAnswers((all) => ({ ...all, [connection.id]: { state: 'testing', text: `Testing ${connection.name}…` } }));
    try {
      const answer = await api.post<VpnTestAnswer>(`${base}/${seg(connection.id)}/test`);
      setAnswers((all) => ({ ...all, [connection.id]: { state: answer.status, text: testAnswerText(connection.name, answer) } }));
      load(); // the check is now the row's status and time, as the API stored them
    } catch (e) {
      setAnswers((all) => ({ ...all, [connection.id]: { state: 'down', text: `${connection.name}: the test could not run. ${errorText(e)}` } }));
    }
  };

  const remove = async (connection: VpnConnection): Promise<void> => {
    const deleted = await change(() => api.delete(`${base}/${seg(connection.id)}`), `VPN connection ${connection.name} deleted.`);
    if (deleted && editing?.id === connection.id) reset();
  };

  const field = bindFields(form, setForm);
  // A connection whose key pair was deleted since still shows it, so an edit does not change it unseen.
  const choices = keypairs && form.keyPairAlias && !keypairs.includes(form.keyPairAlias) ? [form.keyPairAlias, ...keypairs] : (keypairs ?? []);
  const title = editing ? `Edit VPN connection ${editing.name}` : 'Add a VPN connection';

  return (
    <section className="page">
      <div className="page-head">
        <h1>VPN connections</h1>
      </div>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <Notice text={notice} />
      {manage && (
        <form className="form card inline-form" aria-label={title} onSubmit={(e) => void save(e)}>
          <h2>{title}</h2>
          <div className="grid-4 align-start">
            <LabelledInput label="Name" ref={nameField} required placeholder="east" {...field('name')} />
            <label className="span-2">
              Networks
              <textarea required rows={2} aria-describedby="vpn-networks-hint" placeholder={'10.20.0.0/16\nfd00:20::/48'} {...field('networks')} />
              <span id="vpn-networks-hint" className="hint">
                CIDRs, one per line or comma-separated. Hosts with an address in them go through this gateway.
              </span>
            </label>
            <LabelledInput label="Gateway host" required placeholder="203.0.113.7" {...field('host')} />
            <LabelledInput label="SSH port" type="number" min={1} max={65535} {...field('port')} />
            <LabelledInput label="Gateway user" required placeholder="jump" {...field('username')} />
            <label>
              Key pair
              <select required {...field('keyPairAlias')} aria-describedby={keypairs?.length === 0 ? 'vpn-no-keypairs' : undefined}>
                <option value="">Choose a key pair</option>
                {choices.map((alias) => (
                  <option key={alias}>{alias}</option>
                ))}
              </select>
            </label>
          </div>
          {keypairs?.length === 0 && (
            <p id="vpn-no-keypairs" className="hint">
              This account has no key pair yet: <Link to="/keypairs">generate or import one on the Key pairs page</Link>, then authorize its public key for
              the gateway user.
            </p>
          )}
          <FormActions submit={editing ? 'Save changes' : 'Add connection'} onCancel={editing ? reset : undefined} />
        </form>
      )}
      <ListTable
        items={connections?.results ?? null}
        empty="No VPN connections yet."
        caption="VPN connections"
        columns={['Name', 'Networks', 'Gateway', 'Status', '']}
        row={(c) => {
          const answer = answers[c.id];
          return (
            <tr key={c.id} data-vpn-id={c.id}>
              <td data-label="Name" className="strong">
                {c.name}
              </td>
              <td data-label="Networks">
                <ul className="plain-list mono small">
                  {c.networks.map((n) => (
                    <li key={n}>{n}</li>
                  ))}
                </ul>
              </td>
              <td data-label="Gateway">
                <span className="mono small nowrap">{gatewayText(c.gateway)}</span>
                <div className="muted small">key pair {c.gateway.keyPairAlias}</div>
              </td>
              <td data-label="Status" className="vpn-status">
                <StatusBadge status={c.status} />
                <div className="muted small">{c.lastCheckedTime ? `checked ${formatTime(c.lastCheckedTime)}` : 'not checked yet'}</div>
                {c.lastCheckMessage && !answer && <div className="small">{c.lastCheckMessage}</div>}
                {/* Present before any test, so screen readers announce the answer when it arrives. */}
                {manage && (
                  <div role="status" className={`small test-answer${answer ? ` test-answer-${answer.state}` : ''}`}>
                    {answer?.text}
                  </div>
                )}
              </td>
              <RowActions show={manage}>
                {/* aria-disabled, not disabled: a disabled button would drop the keyboard focus mid-test. */}
                <button
                  type="button"
                  className="small"
                  aria-label={`Test ${c.name}`}
                  aria-disabled={answer?.state === 'testing'}
                  onClick={() => answer?.state !== 'testing' && void test(c)}
                >
                  {answer?.state === 'testing' ? 'Testing…' : 'Test'}
                </button>
                <RowButton label={`Edit ${c.name}`} onClick={() => edit(c)}>
                  Edit
                </RowButton>
                <ConfirmDelete label={`Delete ${c.name}`} question={`Delete VPN connection ${c.name}? Runs will no longer reach hosts through it.`} onDelete={() => remove(c)} />
              </RowActions>
            </tr>
          );
        }}
      />
      {connections && <Pager page={page} size={SIZE} total={connections.totalSize} onPage={setPage} />}
    </section>
  );
}
