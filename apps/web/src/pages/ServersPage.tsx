import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api, errorText, type Page, seg } from '../api';
import { useChange } from '../change';
import { ErrorBanner } from '../components/ErrorBanner';
import { FormActions } from '../components/FormActions';
import { LabelledInput } from '../components/LabelledInput';
import { Notice } from '../components/Notice';
import { Pager } from '../components/Pager';
import { ConfirmDelete, RowActions } from '../components/RowActions';
import { ListTable } from '../components/Table';
import { bindFields } from '../fields';
import { may, type Session } from '../session';

interface Server {
  name: string;
  description: string;
  ipAddress: string;
  port: number;
  group: string;
  username: string;
  hasPassword: boolean;
}

const SIZE = 50;
const EMPTY = { name: '', ipAddress: '', port: '22', username: 'root', password: '', group: '', description: '' };

/** Servers jobs can target (and key pairs can be deployed to): register, list, delete. */
export function ServersPage({ session }: { session: Session }) {
  const base = `/v2/servers/${seg(session.accountAlias)}`;
  const [page, setPage] = useState(0);
  const [servers, setServers] = useState<Page<Server> | null>(null);
  const [form, setForm] = useState(EMPTY);
  const manage = may(session, 'manage');
  const { error, setError, notice, change } = useChange(() => load());

  const load = useCallback(
    (): Promise<void> => api.get<Page<Server>>(`${base}?page=${page}&size=${SIZE}`).then(setServers, (e) => setError(errorText(e))),
    [base, page, setError],
  );
  useEffect(() => void load(), [load]);

  const create = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const body: Record<string, unknown> = { name: form.name.trim(), ipAddress: form.ipAddress.trim(), port: Number(form.port) || 22, username: form.username.trim() || 'root' };
    if (form.password) body.password = form.password;
    if (form.group.trim()) body.group = form.group.trim();
    if (form.description.trim()) body.description = form.description.trim();
    if (await change(() => api.post(base, body), `Server ${form.name} registered. Deploy a key pair to it from Key pairs.`)) setForm(EMPTY);
  };

  const field = bindFields(form, setForm);

  return (
    <section className="page">
      <div className="page-head">
        <h1>Servers</h1>
      </div>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <Notice text={notice} />
      {manage && (
        <form className="form card inline-form" onSubmit={(e) => void create(e)}>
          <h2>Register a server</h2>
          <div className="grid-4">
            <LabelledInput label="Name" required placeholder="web-1" {...field('name')} />
            <LabelledInput label="IP address" required placeholder="10.0.0.5" {...field('ipAddress')} />
            <LabelledInput label="SSH port" type="number" min={1} max={65535} {...field('port')} />
            <LabelledInput label="Login user" {...field('username')} />
            <LabelledInput label="Bootstrap password" type="password" autoComplete="new-password" placeholder="for the first key deployment" {...field('password')} />
            <LabelledInput label="Group" placeholder="Default Group" {...field('group')} />
            <LabelledInput label="Description" className="span-2" {...field('description')} />
          </div>
          <FormActions submit="Register" />
        </form>
      )}
      <ListTable
        items={servers?.results ?? null}
        empty="No servers registered."
        caption="Servers"
        columns={['Name', 'Address', 'User', 'Group', 'Password', '']}
        row={(s) => (
          <tr key={s.name}>
            <td data-label="Name" className="strong">
              {s.name}
              {s.description && <div className="muted small">{s.description}</div>}
            </td>
            <td data-label="Address" className="mono">
              {s.ipAddress}:{s.port}
            </td>
            <td data-label="User">{s.username}</td>
            <td data-label="Group">{s.group}</td>
            <td data-label="Password">{s.hasPassword ? 'stored' : '—'}</td>
            <RowActions show={manage}>
              <ConfirmDelete question={`Remove server ${s.name} from the inventory?`} onDelete={() => change(() => api.delete(`${base}/${seg(s.name)}`), null)} />
            </RowActions>
          </tr>
        )}
      />
      {servers && <Pager page={page} size={SIZE} total={servers.totalSize} onPage={setPage} />}
    </section>
  );
}
