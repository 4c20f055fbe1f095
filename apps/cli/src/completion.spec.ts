import { COMMANDS } from './command-table';
import { bashCompletion, zshCompletion } from './completion';

describe('the completion scripts', () => {
  it('are generated from the command table: every command and flag appears in them', () => {
    const script = bashCompletion();
    for (const spec of COMMANDS) {
      expect(script).toContain(`'${spec.name}')`);
      for (const option of Object.keys(spec.options)) expect(script).toContain(`--${option}`);
    }
    expect(script).toContain('complete -F _automation_runner automation-runner');
  });

  it('zsh runs the same function through bashcompinit', () => {
    expect(zshCompletion()).toContain('bashcompinit');
    expect(zshCompletion()).toContain('complete -F _automation_runner automation-runner');
  });
});
