/**
 * The props that tie an input to one key of a form's state (`name`, `value`, `onChange`), so a
 * form of text fields writes each one as `<input {...field('alias')} />`; `prefix` goes before
 * each name (`repository.` gives `repository.url`).
 */
export function bindFields<F extends { [K in keyof F]: string }>(form: F, setForm: (form: F) => void, prefix = '') {
  return (key: keyof F & string) => ({ name: prefix + key, value: form[key], onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }) });
}
