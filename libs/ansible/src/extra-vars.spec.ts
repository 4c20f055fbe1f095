import { parse } from 'yaml';
import { renderUnsafeYaml } from './extra-vars';

describe('renderUnsafeYaml', () => {
  it('tags every string unsafe and keeps the data exact', () => {
    const value = { cmd: '$(rm -rf /)', tpl: '{{ lookup("pipe", "id") }}', quotes: `a'b"c`, nl: 'x\ny', n: 3, b: true, z: null, list: ['{{ x }}', 1] };
    const text = renderUnsafeYaml(value);
    expect(text).toContain('"tpl": !unsafe "{{ lookup(\\"pipe\\", \\"id\\") }}"');
    expect(parse(text, { customTags: [{ tag: '!unsafe', resolve: (s: string) => s }] })).toEqual(value);
  });
});
