import { type FormEvent, type KeyboardEvent, useEffect, useState } from 'react';
import { api, errorText, fromBase64, toBase64 } from '../api';
import { ErrorBanner } from '../components/ErrorBanner';
import { PairRows } from '../components/PairRows';
import { WhenSelect } from '../components/WhenSelect';
import {
  FormProblem,
  formatHostVars,
  hostsFromRows,
  type NotifyForm,
  notifyFormOf,
  notifyFromForm,
  playbookProblem,
  propertiesFromRows,
  type Row,
  rowsFromProperties,
  rowsFromVaultPasswords,
  vaultPasswordsFromRows,
} from '../job-form';
import { type Job, jobPath, jobsPath, runPagePath, startJob } from '../jobs';
import { Link, navigate } from '../router';
import type { Session } from '../session';

const EXAMPLE = `- hosts: all
  gather_facts: false
  tasks:
    - name: say hello
      ansible.builtin.debug:
        msg: "hello from {{ inventory_hostname }}"
`;

/** Fields only responses carry; a PUT with them would be refused as unknown. */
const RESPONSE_ONLY = ['id', 'accountAlias', 'status', 'createdTime', 'lastUpdatedTime', 'links'];

export function JobFormPage({ session, jobId }: { session: Session; jobId?: string }) {
  const alias = session.accountAlias;
  const [loaded, setLoaded] = useState<Job | null>(null);
  const [description, setDescription] = useState('');
  const [source, setSource] = useState<'inline' | 'repository'>('inline');
  const [playbook, setPlaybook] = useState(jobId ? '' : EXAMPLE);
  const [repository, setRepository] = useState({ url: '', branch: '', defaultPlaybook: '', inventory: '' });
  const [hosts, setHosts] = useState<Row[]>(jobId ? [] : [{ name: 'localhost', value: 'ansible_connection=local' }]);
  const [properties, setProperties] = useState<Row[]>([]);
  const [vaultPasswords, setVaultPasswords] = useState<Row[]>([]);
  const [keyPairAlias, setKeyPairAlias] = useState('');
  const [notify, setNotify] = useState<NotifyForm>(notifyFormOf(undefined));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!jobId) return;
    api
      .get<Job>(jobPath(alias, jobId))
      .then((job) => {
        setLoaded(job);
        setDescription(job.description ?? '');
        if (job.repository) {
          setSource('repository');
          setRepository({ url: job.repository.url, branch: job.repository.branch ?? '', defaultPlaybook: job.repository.defaultPlaybook, inventory: (job.repository.inventory ?? []).join(', ') });
        } else setPlaybook(job.playbook ? fromBase64(job.playbook) : '');
        setHosts(job.hosts.map((h) => ({ name: h.id, value: formatHostVars(h.hostVars) })));
        setProperties(rowsFromProperties(job.properties));
        setVaultPasswords(rowsFromVaultPasswords(job.vaultPasswords));
        setKeyPairAlias(job.keyPairAlias ?? '');
        setNotify(notifyFormOf(job.notify));
      })
      .catch((e) => setError(errorText(e)));
  }, [alias, jobId]);

  const body = (): Record<string, unknown> => {
    // Editing keeps every field this form does not show (callbacks, tags, forks…) as it was.
    const base: Record<string, unknown> = { ...(loaded ?? {}) };
    for (const field of RESPONSE_ONLY) delete base[field];
    delete base.playbook;
    delete base.repository;
    if (source === 'inline') {
      const problem = playbookProblem(playbook);
      if (problem) throw new FormProblem('playbook', problem);
      base.playbook = toBase64(playbook);
    } else {
      const old = (loaded?.repository ?? {}) as Record<string, unknown>;
      const { hasCredentials: _dropped, ...kept } = old;
      base.repository = { ...kept, url: repository.url.trim(), defaultPlaybook: repository.defaultPlaybook.trim(), ...(repository.branch.trim() ? { branch: repository.branch.trim() } : {}) };
      if (!repository.branch.trim()) delete (base.repository as Record<string, unknown>).branch;
      // Inventories in the repository: comma-separated paths, read with the hosts below or instead of them.
      const inventory = repository.inventory.split(',').map((p) => p.trim()).filter(Boolean);
      if (inventory.length) (base.repository as Record<string, unknown>).inventory = inventory;
      else delete (base.repository as Record<string, unknown>).inventory;
    }
    base.description = description;
    base.hosts = hostsFromRows(hosts);
    base.properties = propertiesFromRows(properties);
    const vault = vaultPasswordsFromRows(vaultPasswords, loaded?.vaultPasswords);
    if (vault) base.vaultPasswords = vault;
    else delete base.vaultPasswords;
    if (keyPairAlias.trim()) base.keyPairAlias = keyPairAlias.trim();
    else delete base.keyPairAlias;
    const sent = notifyFromForm(notify);
    if (sent) base.notify = sent;
    else delete base.notify;
    return base;
  };

  const save = async (event: FormEvent, thenRun = false): Promise<void> => {
    event.preventDefault();
    setError(null);
    let payload: Record<string, unknown>;
    try {
      payload = body();
    } catch (e) {
      setError(e instanceof FormProblem ? `${e.field}: ${e.message}` : errorText(e));
      return;
    }
    setBusy(true);
    try {
      const job = jobId ? await api.put<Job>(jobPath(alias, jobId), payload) : await api.post<Job>(jobsPath(alias), payload);
      if (thenRun) {
        const execution = await startJob(alias, job.id);
        navigate(runPagePath(job.id, execution.execution_id));
      } else navigate(`/jobs/${job.id}/executions`);
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };

  return (
    <section className="page">
      <div className="page-head">
        <h1>{jobId ? 'Edit job' : 'New job'}</h1>
        <Link to={jobId ? `/jobs/${jobId}/executions` : '/jobs'}>Cancel</Link>
      </div>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {jobId && !loaded && !error && <p className="muted">Loading…</p>}
      {/* Editing shows the form only once the job is loaded, so an empty form can never overwrite it. */}
      {(!jobId || loaded) && (
        <form className="form card" onSubmit={(e) => void save(e)} aria-busy={busy}>
          <label>
            Description
            <input name="description" value={description} maxLength={4000} onChange={(e) => setDescription(e.target.value)} placeholder="What this job does" />
          </label>
  
          <fieldset>
            <legend>Playbook</legend>
            <div className="segmented" role="radiogroup" aria-label="Playbook source">
              <label>
                <input type="radio" name="source" checked={source === 'inline'} onChange={() => setSource('inline')} /> Inline YAML
              </label>
              <label>
                <input type="radio" name="source" checked={source === 'repository'} onChange={() => setSource('repository')} /> Git repository
              </label>
            </div>
            {source === 'inline' ? (
              <label>
                <span className="sr-only">Playbook YAML</span>
                <textarea
                  name="playbook"
                  className="code-editor"
                  spellCheck={false}
                  autoCapitalize="off"
                  autoCorrect="off"
                  rows={Math.min(24, Math.max(10, playbook.split('\n').length + 1))}
                  value={playbook}
                  onChange={(e) => setPlaybook(e.target.value)}
                  onKeyDown={indentWithTab}
                  aria-describedby="playbook-hint"
                />
              </label>
            ) : null}
            {source === 'inline' ? (
              <p id="playbook-hint" className="hint">
                Tab indents two spaces; Esc then Tab leaves the editor. Checked as YAML before saving.
                {playbook.trim() && playbookProblem(playbook) && <strong className="warn"> {playbookProblem(playbook)}</strong>}
              </p>
            ) : (
              <div className="grid-2">
                <label className="span-2">
                  Repository URL
                  <input name="repository.url" value={repository.url} onChange={(e) => setRepository({ ...repository, url: e.target.value })} placeholder="https://git.example.com/ops/playbooks.git" />
                </label>
                <label>
                  Branch or tag
                  <input name="repository.branch" value={repository.branch} onChange={(e) => setRepository({ ...repository, branch: e.target.value })} placeholder="default branch" />
                </label>
                <label>
                  Playbook path
                  <input name="repository.defaultPlaybook" value={repository.defaultPlaybook} onChange={(e) => setRepository({ ...repository, defaultPlaybook: e.target.value })} placeholder="site.yml" />
                </label>
                <label className="span-2">
                  Inventories in the repository (optional)
                  <input name="repository.inventory" value={repository.inventory} onChange={(e) => setRepository({ ...repository, inventory: e.target.value })} placeholder="inventories/production, extra-hosts.ini" />
                </label>
              </div>
            )}
          </fieldset>
  
          <fieldset>
            <legend>Hosts</legend>
            <p className="hint">Inventory names with their variables as key=value, separated by spaces. With inventories in the repository, these are added to theirs (or leave them out).</p>
            <PairRows noun="Host" valueLabel="variables" field="hosts" rows={hosts} placeholders={['web-1', 'ansible_host=10.0.0.5 ansible_user=deploy']} onChange={setHosts} />
          </fieldset>
  
          <fieldset>
            <legend>Properties (extra vars)</legend>
            <p className="hint">Values are YAML: 3, true and [a, b] keep their types; anything else is text.</p>
            <PairRows noun="Property" valueLabel="value" field="properties" rows={properties} placeholders={['app_version', '1.4.2']} onChange={setProperties} />
          </fieldset>
  
          <fieldset>
            <legend>Vault passwords</legend>
            <p className="hint">
              For ansible-vault content in the repository: a vault id (<code>default</code> for content encrypted without one) and its password. Stored
              passwords are never shown; leave one empty to keep it.
            </p>
            <PairRows noun="Vault password" valueLabel="password" field="vaultPasswords" rows={vaultPasswords} placeholders={['default', 'password (kept if empty)']} secret onChange={setVaultPasswords} />
          </fieldset>

          <label>
            Key pair (optional)
            <input name="keyPairAlias" value={keyPairAlias} onChange={(e) => setKeyPairAlias(e.target.value)} placeholder="alias of a stored key pair" />
          </label>
  
          <fieldset>
            <legend>Notifications</legend>
            <div className="segmented" role="radiogroup" aria-label="Whose notification settings">
              <label>
                <input type="radio" name="notify.mode" checked={notify.mode === 'default'} onChange={() => setNotify({ ...notify, mode: 'default' })} /> Account default
              </label>
              <label>
                <input type="radio" name="notify.mode" checked={notify.mode === 'own'} onChange={() => setNotify({ ...notify, mode: 'own' })} /> This job's own
              </label>
            </div>
            {notify.mode === 'own' && (
              <div className="grid-2">
                <label>
                  E-mail to (comma-separated)
                  <input name="notify.email.to" value={notify.emails} onChange={(e) => setNotify({ ...notify, emails: e.target.value })} placeholder="ops@example.com" />
                </label>
                <WhenSelect label="E-mail on" name="notify.email.on" value={notify.emailOn} onChange={(emailOn) => setNotify({ ...notify, emailOn })} />
                <label>
                  Chat incoming-webhook URL
                  <input
                    name="notify.chat.url"
                    type="password"
                    autoComplete="off"
                    value={notify.chatUrl}
                    onChange={(e) => setNotify({ ...notify, chatUrl: e.target.value })}
                    placeholder={notify.chatStored ? 'stored (never shown); type a new one to replace it' : 'https://hooks.slack.com/services/…'}
                  />
                </label>
                <WhenSelect label="Chat on" name="notify.chat.on" value={notify.chatOn} onChange={(chatOn) => setNotify({ ...notify, chatOn })} />
              </div>
            )}
          </fieldset>

          <div className="form-actions">
            <button type="submit" className="primary" disabled={busy}>
              {jobId ? 'Save' : 'Create job'}
            </button>
            <button type="button" disabled={busy} onClick={(e) => void save(e, true)}>
              {jobId ? 'Save and run' : 'Create and run'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

/** Tab inserts two spaces in the YAML editor; after Escape, Tab moves focus on as usual (no keyboard trap). */
let escaped = false;
function indentWithTab(event: KeyboardEvent<HTMLTextAreaElement>): void {
  if (event.key === 'Escape') {
    escaped = true;
    return;
  }
  if (event.key !== 'Tab' || event.shiftKey || escaped) {
    escaped = false;
    return;
  }
  event.preventDefault();
  const area = event.currentTarget;
  const { selectionStart, selectionEnd } = area;
  area.setRangeText('  ', selectionStart, selectionEnd, 'end');
  area.dispatchEvent(new Event('input', { bubbles: true }));
}
