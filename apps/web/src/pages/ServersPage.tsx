import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api, errorText, type Page, seg } from '../api';
import { ErrorBanner } from '../components/ErrorBanner';
import { Notice } from '../components/Notice';
import { Pager } from '../components/Pager';
import { Table } from '../components/Table';
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
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const manage = may(session, 'manage');

  const load = useCallback(() => {
    api.get<Page<Server>>(`${base}?page=${page}&size=${SIZE}`).then(setServers, (e) => setError(errorText(e)));
  }, [base, page]);
  useEffect(load, [load]);

  const create = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setError(null);
    setNotice(null);
    const body: Record<string, unknown> = { name: form.name.trim(), ipAddress: form.ipAddress.trim(), port: Number(form.port) || 22, username: form.username.trim() || 'root' };
    if (form.password) body.password = form.password;
    if (form.group.trim()) body.group = form.group.trim();
    if (form.description.trim()) body.description = form.description.trim();
    try {
      await api.post(base, body);
      setNotice(`Server ${form.name} registered. Deploy a key pair to it from Key pairs.`);
      setForm(EMPTY);
      load();
    } catch (e) {
      setError(errorText(e));
    }
  };

  const remove = async (name: string): Promise<void> => {
    if (!window.confirm(`Remove server ${name} from the inventory?`)) return;
    try {
      await api.delete(`${base}/${seg(name)}`);
      load();
    } catch (e) {
      setError(errorText(e));
    }
  };

  const field = (key: keyof typeof EMPTY) => ({ name: key, value: form[key], onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }) });

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
            <label>
              Name
              <input required placeholder="web-1" {...field('name')} />
            </label>
            <label>
              IP address
              <input required placeholder="10.0.0.5" {...field('ipAddress')} />
            </label>
            <label>
              SSH port
              <input type="number" min={1} max={65535} {...field('port')} />
            </label>
            <label>
              Login user
              <input {...field('username')} />
            </label>
            <label>
              Bootstrap password
              <input type="password" autoComplete="new-password" placeholder="for the first key deployment" {...field('password')} />
            </label>
            <label>
              Group
              <input placeholder="Default Group" {...field('group')} />
            </label>
            <label className="span-2">
              Description
              <input {...field('description')} />
            </label>
          </div>
          <div className="form-actions">
            <button type="submit" className="primary">
              Register
            </button>
          </div>
        </form>
      )}
      {servers && servers.results.length === 0 && <p className="empty card">No servers registered.</p>}
      {servers && servers.results.length > 0 && (
        <Table caption="Servers" columns={['Name', 'Address', 'User', 'Group', 'Password', '']}>
          {servers.results.map((s) => (
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
              <td className="actions">
                {manage && (
                  <button type="button" className="small ghost" onClick={() => void remove(s.name)}>
                    Delete
                  </button>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
      {servers && <Pager page={page} size={SIZE} total={servers.totalSize} onPage={setPage} />}
    </section>
  );
}
