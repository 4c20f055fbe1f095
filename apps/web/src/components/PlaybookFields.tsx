import type { KeyboardEvent } from 'react';
import { bindFields } from '../fields';
import { playbookProblem } from '../job-form';
import { LabelledInput } from './LabelledInput';

export type PlaybookSource = 'inline' | 'repository';
export interface RepositoryForm {
  url: string;
  branch: string;
  defaultPlaybook: string;
  /** Comma-separated inventory paths in the repository. */
  inventory: string;
}

/** The job form's playbook: inline YAML (checked as YAML as it is typed) or a git repository. */
export function PlaybookFields(props: {
  source: PlaybookSource;
  onSource(source: PlaybookSource): void;
  playbook: string;
  onPlaybook(playbook: string): void;
  repository: RepositoryForm;
  onRepository(repository: RepositoryForm): void;
}) {
  const { source, playbook } = props;
  const field = bindFields(props.repository, props.onRepository, 'repository.');
  return (
    <fieldset>
      <legend>Playbook</legend>
      <div className="segmented" role="radiogroup" aria-label="Playbook source">
        <label>
          <input type="radio" name="source" checked={source === 'inline'} onChange={() => props.onSource('inline')} /> Inline YAML
        </label>
        <label>
          <input type="radio" name="source" checked={source === 'repository'} onChange={() => props.onSource('repository')} /> Git repository
        </label>
      </div>
      {source === 'inline' ? (
        <>
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
              onChange={(e) => props.onPlaybook(e.target.value)}
              onKeyDown={indentWithTab}
              aria-describedby="playbook-hint"
            />
          </label>
          <p id="playbook-hint" className="hint">
            Tab indents two spaces; Esc then Tab leaves the editor. Checked as YAML before saving.
            {playbook.trim() && playbookProblem(playbook) && <strong className="warn"> {playbookProblem(playbook)}</strong>}
          </p>
        </>
      ) : (
        <div className="grid-2">
          <LabelledInput label="Repository URL" className="span-2" {...field('url')} placeholder="https://git.example.com/ops/playbooks.git" />
          <LabelledInput label="Branch or tag" {...field('branch')} placeholder="default branch" />
          <LabelledInput label="Playbook path" {...field('defaultPlaybook')} placeholder="site.yml" />
          <LabelledInput
            label="Inventories in the repository (optional)"
            className="span-2"
            {...field('inventory')}
           
            placeholder="inventories/production, extra-hosts.ini"
          />
        </div>
      )}
    </fieldset>
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
