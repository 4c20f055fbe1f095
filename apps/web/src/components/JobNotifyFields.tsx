import type { NotifyForm } from '../job-form';
import { CHAT_URL_EXAMPLE, NotifyChannel } from './NotifyChannel';

/** A job's notifications: the account's defaults, or its own e-mail and chat settings (the chat URL write-only). */
export function JobNotifyFields({ notify, onChange }: { notify: NotifyForm; onChange(notify: NotifyForm): void }) {
  const chatPlaceholder = notify.chatStored ? 'stored (never shown); type a new one to replace it' : CHAT_URL_EXAMPLE;
  return (
    <fieldset>
      <legend>Notifications</legend>
      <div className="segmented" role="radiogroup" aria-label="Whose notification settings">
        <label>
          <input type="radio" name="notify.mode" checked={notify.mode === 'default'} onChange={() => onChange({ ...notify, mode: 'default' })} /> Account default
        </label>
        <label>
          <input type="radio" name="notify.mode" checked={notify.mode === 'own'} onChange={() => onChange({ ...notify, mode: 'own' })} /> This job's own
        </label>
      </div>
      {notify.mode === 'own' && (
        <div className="grid-2">
          <NotifyChannel channel="email" form={notify} onChange={onChange} label="E-mail to (comma-separated)" placeholder="ops@example.com" />
          <NotifyChannel channel="chat" form={notify} onChange={onChange} label="Chat incoming-webhook URL" placeholder={chatPlaceholder} />
        </div>
      )}
    </fieldset>
  );
}
