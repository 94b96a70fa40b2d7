import { describe, expect, it } from 'vitest';
import { Profile } from '../../schemas/profile.js';

describe('Profile', () => {
  it('fills defaults for a minimal profile', () => {
    const p = Profile.parse({ gemeente: 'GM0193', naam: 'Zwolle' });
    expect(p.tabular.encoding).toBe('detect');
    expect(p.tabular.dateFormats).toEqual(['dd-mm-jjjj', 'jjjj-mm-dd']);
    expect(p.columnAliases).toEqual({});
  });

  it('names every bad field', () => {
    const r = Profile.safeParse({ gemeente: '0193', naam: '', tabular: { delimiter: '|' }, extra: 1 });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.') || i.message);
    expect(paths).toEqual(expect.arrayContaining(['gemeente', 'naam', 'tabular.delimiter']));
    expect(r.error!.issues.find((i) => i.path[0] === 'gemeente')?.message).toBe(
      'expected a CBS code like GM0193',
    );
  });
});
