import { type FormEvent, useState } from 'react';
import type { AccountNode } from '../accounts';
import { api, errorText, seg } from '../api';
import { bindFields } from '../fields';
import { FormActions } from './FormActions';
import { LabelledInput } from './LabelledInput';

/** Nested lists of buttons: the selected account is `aria-current`, so it is announced, not only coloured. */
export function AccountTree({ nodes, selected, onSelect }: { nodes: AccountNode[]; selected: string; onSelect(alias: string): void }) {
  return (
    <ul>
      {nodes.map((node) => (
        <li key={node.alias}>
          <button type="button" className="tree-node" aria-current={node.alias === selected ? 'true' : undefined} onClick={() => onSelect(node.alias)}>
            <span className="mono strong">{node.alias}</span> <span className="muted">{node.name}</span>
          </button>
          {node.children.length > 0 && <AccountTree nodes={node.children} selected={selected} onSelect={onSelect} />}
        </li>
      ))}
    </ul>
  );
}

/** A new sub-account below any account of the tree (`parent`, the selected one, first). */
export function CreateAccountForm({ aliases, parent, onCreated, onError }: { aliases: string[]; parent: string; onCreated(alias: string, parent: string): void; onError(error: string | null): void }) {
  // Keyed by the selected account: selecting another one starts a form below it.
  const [form, setForm] = useState({ parent, alias: '', name: '' });
  const field = bindFields(form, setForm);

  const create = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    onError(null);
    try {
      const alias = form.alias.trim();
      await api.post(`/v2/accounts/${seg(form.parent)}`, { alias, name: form.name.trim() });
      setForm({ ...form, alias: '', name: '' });
      onCreated(alias, form.parent);
    } catch (e) {
      onError(errorText(e));
    }
  };

  return (
    <form className="form card inline-form" onSubmit={(e) => void create(e)}>
      <h2>Create a sub-account</h2>
      <label>
        Below
        <select {...field('parent')}>
          {aliases.map((a) => (
            <option key={a}>{a}</option>
          ))}
        </select>
      </label>
      <LabelledInput label="Alias" required placeholder="TEAMA" aria-describedby="alias-hint" {...field('alias')} />
      <p id="alias-hint" className="hint">
        2–16 upper-case letters or digits, unique in the service; it cannot be changed later.
      </p>
      <LabelledInput label="Name" required placeholder="Team A" {...field('name')} />
      <FormActions submit="Create account" />
    </form>
  );
}
