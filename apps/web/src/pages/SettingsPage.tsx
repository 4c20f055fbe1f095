import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api, errorText, seg } from '../api';
import { CopyField } from '../components/CopyField';
import { ErrorBanner } from '../components/ErrorBanner';
import { Notice } from '../components/Notice';
import { RetentionSetting } from '../components/RetentionSetting';
import { WhenSelect } from '../components/WhenSelect';
import { FormProblem, type Notify, type NotifyForm, notifyFormOf, notifyFromForm } from '../job-form';
import { may, type Session } from '../session';


/** An account's settings (AccountAdmin): the webhook signing secret, the default run notifications and the retention of runs. */
export function SettingsPage({ session, account }: { session: Session; account: string | null }) {
  const alias = account ?? session.accountAlias;
  const [error, setError] = useState<string | null>(null);
  return (
    <section className="page">
      <div className="page-head">
        <h1>Settings of {alias}</h1>
      </div>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {may(session, 'administer') ? (
        <>
          <WebhookSecret key={`secret-${alias}`} alias={alias} onError={setError} />
          <DefaultNotifications key={`notify-${alias}`} alias={alias} onError={setError} />
          <RetentionSetting key={`retention-${alias}`} alias={alias} onError={setError} />
        </>
      ) : (
        // Reached only by typing the address (the nav hides it): say why rather than show controls the API refuses.
        <p className="empty card">An account’s settings are for its AccountAdmins; your roles are {session.roles.join(', ')}.</p>
      )}
    </section>
  );
}

/** Hidden until asked for (it signs every callback), with copy, and rotate after a warning. */
function WebhookSecret({ alias, onError }: { alias: string; onError(error: string | null): void }) {
  const path = `/v2/automation/webhooks/${seg(alias)}/secret`;
  const [secret, setSecret] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const show = async (): Promise<void> => {
    onError(null);
    try {
      setSecret((await api.get<{ secret: string }>(path)).secret);
    } catch (e) {
      onError(errorText(e));
    }
  };

  const rotate = async (): Promise<void> => {
    const sure = window.confirm(
      `Rotate the webhook signing secret of ${alias}? Callbacks are signed with the new secret from now on: every receiver that checks X-Runner-Signature must be updated, or it will reject them.`,
    );
    if (!sure) return;
    onError(null);
    try {
      setSecret((await api.post<{ secret: string }>(path)).secret);
      setNotice('Rotated. Update every receiver with the new secret below.');
    } catch (e) {
      onError(errorText(e));
    }
  };

  return (
    <div className="card settings-section" role="region" aria-labelledby="secret-head">
      <h2 id="secret-head">Webhook signing secret</h2>
      <p className="hint">
        Job callbacks carry <code>X-Runner-Signature: sha256=…</code>, an HMAC-SHA256 of the body under this secret; receivers check it to know a callback is genuine.
      </p>
      <Notice text={notice} warn />
      {secret === null ? (
        <p className="muted">The secret is hidden.</p>
      ) : (
        <CopyField label="Signing secret" value={secret} />
      )}
      <div className="form-actions">
        {secret === null ? (
          <button type="button" onClick={() => void show()}>
            Show
          </button>
        ) : (
          <button type="button" onClick={() => setSecret(null)}>
            Hide
          </button>
        )}
        <button type="button" className="warning" onClick={() => void rotate()}>
          Rotate
        </button>
      </div>
    </div>
  );
}

/** The account's default notifications, for its jobs without their own; the chat URL is write-only. */
function DefaultNotifications({ alias, onError }: { alias: string; onError(error: string | null): void }) {
  const path = `/v2/accounts/${seg(alias)}/notify`;
  const [stored, setStored] = useState<Notify | null>(null);
  const [form, setForm] = useState<NotifyForm>(notifyFormOf({}));
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(() => {
    api.get<Notify>(path).then(
      (settings) => {
        setStored(settings);
        setForm(notifyFormOf(settings));
      },
      (e) => onError(errorText(e)),
    );
  }, [path, onError]);
  useEffect(load, [load]);

  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    onError(null);
    setNotice(null);
    try {
      // The job form's rules, always "own": a channel set to off is left out, both off sends {} (no default).
      await api.put(path, notifyFromForm({ ...form, mode: 'own' }));
      setNotice('Notification defaults saved.');
      load();
    } catch (e) {
      onError(e instanceof FormProblem ? `${e.field}: ${e.message}` : errorText(e));
    }
  };

  return (
    <form className="form card settings-section" onSubmit={(e) => void save(e)} aria-labelledby="notify-head">
      <h2 id="notify-head">Default run notifications</h2>
      <p className="hint">For this account’s jobs that have no notifications of their own. Sub-accounts do not inherit them.</p>
      <Notice text={notice} />
      <div className="grid-2">
        <label>
          E-mail recipients
          <input name="notify.email.to" value={form.emails} onChange={(e) => setForm({ ...form, emails: e.target.value })} placeholder="ops@example.com, oncall@example.com" aria-describedby="to-hint" />
        </label>
        <WhenSelect label="E-mail on" name="notify.email.on" value={form.emailOn} onChange={(emailOn) => setForm({ ...form, emailOn })} />
      </div>
      <p id="to-hint" className="hint">
        Plain addresses separated by commas.
      </p>
      <div className="grid-2">
        <label>
          Chat webhook URL
          <input
            name="notify.chat.url"
            type="password"
            autoComplete="off"
            value={form.chatUrl}
            onChange={(e) => setForm({ ...form, chatUrl: e.target.value })}
            placeholder={form.chatStored ? 'leave empty to keep the stored URL' : 'https://hooks.slack.com/services/…'}
            aria-describedby="chat-state"
          />
        </label>
        <WhenSelect label="Chat on" name="notify.chat.on" value={form.chatOn} onChange={(chatOn) => setForm({ ...form, chatOn })} />
      </div>
      <p id="chat-state" className="hint">
        {stored?.chat
          ? `Chat webhook set: messages go to ${stored.chat.origin ?? 'the stored URL'}. The URL is a credential and is never shown; set “Chat on” to off to remove it.`
          : 'Chat webhook not set.'}
      </p>
      <div className="form-actions">
        <button type="submit" className="primary">
          Save notifications
        </button>
      </div>
    </form>
  );
}
