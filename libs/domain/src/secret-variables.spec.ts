import { splitSecrets, STORED_SECRET } from './secret-variables';

describe('splitSecrets (attack review)', () => {
  it('refuses "$encrypted$" under a name only the prototype of the stored values has (constructor, toString)', () => {
    // The stored values are a plain object: "constructor" and "toString" are found on its
    // prototype, so "$encrypted$" was taken as keeping a value that was never stored (a function,
    // dropped when sealed), and the run got the text "$encrypted$" as the variable.
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(() => splitSecrets('secretProperties', { [name]: STORED_SECRET }, { allSecret: true, previous: { db_password: 'stored-secret-1' } })).toThrow(
        /no value is stored to keep/,
      );
    }
  });

  it('keeps a stored value only under its own name', () => {
    const previous = { db_password: 'stored-secret-1' };
    expect(splitSecrets('secretProperties', { db_password: STORED_SECRET }, { allSecret: true, previous }).secrets).toEqual(previous);
    expect(() => splitSecrets('secretProperties', { other_password: STORED_SECRET }, { allSecret: true, previous })).toThrow(/no value is stored/);
    expect(() => splitSecrets('properties', { ansible_password: STORED_SECRET }, { previous })).toThrow(/no value is stored/);
  });
});
