import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api, errorText, type Page, seg } from '../api';
import { useChange } from '../change';
import { CopyField } from '../components/CopyField';
import { ErrorBanner } from '../components/ErrorBanner';
import { FormActions } from '../components/FormActions';
import { LabelledInput } from '../components/LabelledInput';
import { OperationStatus } from '../components/OperationStatus';
import { ConfirmDelete, RowActions, RowButton } from '../components/RowActions';
import { ListTable } from '../components/Table';
import { bindFields } from '../fields';
import { formatTime } from '../format';
import { may, type Session } from '../session';

interface Keypair {
  alias: string;
  type: string;
  publicKey: string;
  fingerprint: string;
  privateKey?: string;
  deployedServers: { serverId: string; usernames: string[]; operation?: string }[];
  createdTime: number;
}

interface Deployment {
  href: string;
  label: string;
}

const usernamesOf = (text: string): string[] => text.split(/[\s,]+/).filter(Boolean);

/** Key pairs: generate (the private key is shown once), deploy to registered servers, delete. */
export function KeypairsPage({ session }: { session: Session }) {
  const base = `/v2/automation/keypairs/${seg(session.accountAlias)}`;
  const [keypairs, setKeypairs] = useState<Keypair[] | null>(null);
  const [servers, setServers] = useState<string[]>([]);
  const [created, setCreated] = useState<Keypair | null>(null);
  const [deployments, setDeployments] = useState<Deployment[]>([]);
  const [form, setForm] = useState({ alias: '', type: 'ed25519', bits: '3072', serverId: '', usernames: '' });
  const [deploy, setDeploy] = useState<{ alias: string; serverId: string; usernames: string } | null>(null);
  const manage = may(session, 'manage');
  const { error, setError, change } = useChange(() => load());
  const field = bindFields(form, setForm);

  const load = useCallback(() => {
    api.get<Keypair[]>(base).then(setKeypairs, (e) => setError(errorText(e)));
    api.get<Page<{ name: string }>>(`/v2/servers/${seg(session.accountAlias)}?page=0&size=100`).then(
      (page) => setServers(page.results.map((s) => s.name)),
      () => undefined,
    );
  }, [base, session.accountAlias, setError]);
  useEffect(load, [load]);

  const generate = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setError(null);
    const body: Record<string, unknown> = { type: form.type };
    if (form.type === 'rsa') body.bits = Number(form.bits);
    if (form.serverId) body.deployToServers = [{ serverId: form.serverId, usernames: usernamesOf(form.usernames) }];
    try {
      const keypair = await api.post<Keypair>(`${base}/${seg(form.alias.trim())}`, body);
      setCreated(keypair);
      setDeployments(keypair.deployedServers.filter((d) => d.operation).map((d) => ({ href: d.operation!, label: `${keypair.alias} → ${d.serverId} (${d.usernames.join(', ')})` })));
      setForm({ ...form, alias: '', serverId: '', usernames: '' });
      load();
    } catch (e) {
      setError(errorText(e));
    }
  };

  const startDeploy = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!deploy) return;
    if (!deploy.serverId) return setError('Choose the server to deploy to.');
    setError(null);
    try {
      const operation = await api.post<{ links: { rel: string; href: string }[]; id: string }>(`${base}/${seg(deploy.alias)}/${seg(deploy.serverId)}`, {
        usernames: usernamesOf(deploy.usernames),
      });
      const href = operation.links.find((l) => l.rel === 'self' || l.rel === 'status')?.href ?? `/v2/operations/${seg(session.accountAlias)}/status/${operation.id}`;
      setDeployments((list) => [{ href, label: `${deploy.alias} → ${deploy.serverId} (${usernamesOf(deploy.usernames).join(', ')})` }, ...list]);
      setDeploy(null);
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <section className="page">
      <div className="page-head">
        <h1>Key pairs</h1>
      </div>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />

      {created?.privateKey && (
        <div className="card secret-once" role="region" aria-label="New private key">
          <h2>Private key of {created.alias}</h2>
          <p className="banner banner-warn">This is the only time the private key is shown. Copy it now and keep it safe; the service keeps an encrypted copy for jobs only.</p>
          <CopyField label="Private key (OpenSSH)" value={created.privateKey} />
          <p className="mono small">{created.fingerprint}</p>
          <button type="button" onClick={() => setCreated(null)}>
            I have saved it
          </button>
        </div>
      )}

      {deployments.length > 0 && (
        <ul className="operations card" aria-label="Deployments">
          {deployments.map((d) => (
            <OperationStatus key={d.href} href={d.href} label={d.label} />
          ))}
        </ul>
      )}

      {manage && (
        <form className="form card inline-form" onSubmit={(e) => void generate(e)}>
          <h2>Generate a key pair</h2>
          <div className="grid-4">
            <LabelledInput label="Alias" required pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}" placeholder="ops-key" {...field('alias')} />
            <label>
              Type
              <select {...field('type')}>
                <option value="ed25519">ed25519</option>
                <option value="rsa">RSA</option>
              </select>
            </label>
            {form.type === 'rsa' && (
              <label>
                Bits
                <select {...field('bits')}>
                  <option>3072</option>
                  <option>4096</option>
                </select>
              </label>
            )}
            <DeployFields label="Deploy to server" none="(not now)" field="" servers={servers} target={form} onChange={(t) => setForm({ ...form, ...t })} />
          </div>
          <FormActions submit="Generate" />
        </form>
      )}

      {deploy && (
        <form className="form card inline-form" onSubmit={(e) => void startDeploy(e)} aria-label={`Deploy ${deploy.alias}`}>
          <h2>Deploy {deploy.alias}</h2>
          <div className="grid-4">
            <DeployFields label="Server" none="Choose a server" field="deploy." servers={servers} target={deploy} onChange={(t) => setDeploy({ ...deploy, ...t })} />
          </div>
          <FormActions submit="Deploy" onCancel={() => setDeploy(null)} />
        </form>
      )}

      <ListTable
        items={keypairs}
        empty="No key pairs yet."
        caption="Key pairs"
        columns={['Alias', 'Type', 'Fingerprint', 'Created', '']}
        row={(k) => (
          <tr key={k.alias}>
            <td data-label="Alias" className="strong">
              {k.alias}
            </td>
            <td data-label="Type">{k.type}</td>
            <td data-label="Fingerprint" className="mono small break">
              {k.fingerprint}
            </td>
            <td data-label="Created" className="small">
              {formatTime(k.createdTime)}
            </td>
            <RowActions show={manage}>
              <RowButton onClick={() => setDeploy({ alias: k.alias, serverId: servers[0] ?? '', usernames: '' })}>Deploy</RowButton>
              <ConfirmDelete question={`Delete key pair ${k.alias}? Jobs that use it will no longer get its key.`} onDelete={() => change(() => api.delete(`${base}/${seg(k.alias)}`), null)} />
            </RowActions>
          </tr>
        )}
      />
    </section>
  );
}

/** A server to deploy to and the users to install the key for (asked once a server is chosen). */
function DeployFields(props: {
  label: string;
  none: string;
  field: string;
  servers: string[];
  target: { serverId: string; usernames: string };
  onChange(target: { serverId: string; usernames: string }): void;
}) {
  const { target, onChange } = props;
  return (
    <>
      <label>
        {props.label}
        <select name={`${props.field}serverId`} value={target.serverId} onChange={(e) => onChange({ ...target, serverId: e.target.value })}>
          <option value="">{props.none}</option>
          {props.servers.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      {target.serverId && (
        <LabelledInput label="For users" name={`${props.field}usernames`} required value={target.usernames} onChange={(e) => onChange({ ...target, usernames: e.target.value })} placeholder="deploy, app" />
      )}
    </>
  );
}
