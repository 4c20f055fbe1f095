import type { NotifyForm } from '../job-form';
import { LabelledInput } from './LabelledInput';
import { WhenSelect } from './WhenSelect';

/** What a chat webhook URL looks like, for the field's placeholder while none is stored. */
export const CHAT_URL_EXAMPLE = 'https://hooks.slack.com/services/…';

/**
 * One notification channel of a `NotifyForm` (the job form's and the account defaults'): its target
 * (the e-mail recipients, or the chat URL, write-only as a password field) and when it sends.
 * `label`, `placeholder` and `describedBy` are the target field's words on each page.
 */
export function NotifyChannel(props: { channel: 'email' | 'chat'; form: NotifyForm; onChange(form: NotifyForm): void; label: string; placeholder: string; describedBy?: string }) {
  const { form, onChange } = props;
  const email = props.channel === 'email';
  const target = email ? 'emails' : 'chatUrl';
  const when = email ? 'emailOn' : 'chatOn';
  return (
    <>
      <LabelledInput
        label={props.label}
        name={email ? 'notify.email.to' : 'notify.chat.url'}
        {...(email ? {} : { type: 'password', autoComplete: 'off' })}
        value={form[target]}
        onChange={(e) => onChange({ ...form, [target]: e.target.value })}
        placeholder={props.placeholder}
        aria-describedby={props.describedBy}
      />
      <WhenSelect label={email ? 'E-mail on' : 'Chat on'} name={`notify.${props.channel}.on`} value={form[when]} onChange={(value) => onChange({ ...form, [when]: value })} />
    </>
  );
}
