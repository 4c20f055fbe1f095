import { type FormEvent, useEffect, useState } from 'react';
import { api, errorText, fromBase64, toBase64 } from '../api';
import { ErrorBanner } from '../components/ErrorBanner';
import { FormActions } from '../components/FormActions';
import { JobNotifyFields } from '../components/JobNotifyFields';
import { LabelledInput } from '../components/LabelledInput';
import { PairRows } from '../components/PairRows';
import { PlaybookFields, type PlaybookSource, type RepositoryForm } from '../components/PlaybookFields';
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
  const [source, setSource] = useState<PlaybookSource>('inline');
  const [playbook, setPlaybook] = useState(jobId ? '' : EXAMPLE);
  const [repository, setRepository] = useState<RepositoryForm>({ url: '', branch: '', defaultPlaybook: '', inventory: '' });
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
          <LabelledInput label="Description" name="description" value={description} maxLength={4000} onChange={(e) => setDescription(e.target.value)} placeholder="What this job does" />

          <PlaybookFields source={source} onSource={setSource} playbook={playbook} onPlaybook={setPlaybook} repository={repository} onRepository={setRepository} />

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

          <LabelledInput label="Key pair (optional)" name="keyPairAlias" value={keyPairAlias} onChange={(e) => setKeyPairAlias(e.target.value)} placeholder="alias of a stored key pair" />

          <JobNotifyFields notify={notify} onChange={setNotify} />

          <FormActions submit={jobId ? 'Save' : 'Create job'} busy={busy}>
            <button type="button" disabled={busy} onClick={(e) => void save(e, true)}>
              {jobId ? 'Save and run' : 'Create and run'}
            </button>
          </FormActions>
        </form>
      )}
    </section>
  );
}
