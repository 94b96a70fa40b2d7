import { describe, expect, it } from 'vitest';
import { displayText } from '../../reports/cijfers.js';
import {
  type IndicatorRow,
  providerMayBeShown,
  publishAmount,
  publishCount,
  publishIndicatorRow,
  publishMean,
  publishRate,
  publishRatio,
  publishShare,
  publishSurvival,
} from '../../reports/disclosure.js';

const row = (over: Partial<IndicatorRow>): IndicatorRow => ({
  gemeente: 'GM0193',
  periode: '2024',
  indicator: 'uitval',
  dimensie: 'totaal',
  dimensie_waarde: 'totaal',
  teller: null,
  noemer: null,
  waarde: null,
  ci_laag: null,
  ci_hoog: null,
  ...over,
});

describe('the small-numbers rule', () => {
  it('rounds counts to 5, shows 1–9 as <10 and keeps 0', () => {
    expect([0, 1, 9, 10, 12, 13, 17, 18, 1234].map((n) => displayText(publishCount(n)))).toEqual([
      '0',
      '<10',
      '<10',
      '10',
      '10',
      '15',
      '15',
      '20',
      '1.235',
    ]);
    expect(publishCount(7).value).toBeNull();
    expect(publishCount(null).value).toBeNull();
  });

  it('shows a share only from a denominator of 20, computed from unrounded counts', () => {
    const shown = publishShare({ teller: 7, noemer: 22, ciLaag: 0.1, ciHoog: 0.5 });
    expect(shown.value).toBeCloseTo(7 / 22, 12);
    expect(displayText(shown)).toBe('31,8%');
    expect(displayText(shown.n!)).toBe('20');
    const hidden = publishShare({ teller: 3, noemer: 19, waarde: 3 / 19, ciLaag: 0.05, ciHoog: 0.4 });
    expect(hidden).toMatchObject({ status: 'n<20', value: null, ciLaag: null, ciHoog: null });
    expect(displayText(hidden)).toBe('n<20');
    expect(publishShare({ teller: 0, noemer: null }).value).toBeNull();
  });

  it('gates means, medians and Kaplan–Meier estimates on n or the number at risk', () => {
    expect(publishMean('dagen', { waarde: 31, n: 20 }).value).toBe(31);
    expect(publishMean('dagen', { waarde: 31, n: 19 }).value).toBeNull();
    expect(publishSurvival('fractie', { waarde: 0.4, atRisk: 20 }).value).toBe(0.4);
    expect(publishSurvival('fractie', { waarde: 0.4, atRisk: 19 }).status).toBe('n<20');
  });

  it('gates a ratio of two counts on its denominator, as a share, and shows it to one decimal', () => {
    const shown = publishRatio({ teller: 181, noemer: 22 });
    expect(shown.value).toBeCloseTo(181 / 22, 12);
    expect(displayText(shown)).toBe('8,2');
    expect(displayText(shown.n!)).toBe('20');
    expect(publishRatio({ teller: 181, noemer: 19 })).toMatchObject({ status: 'n<20', value: null });
    expect(publishRatio({ teller: 5, noemer: null }).value).toBeNull();
    const viaRow = publishIndicatorRow(
      row({ indicator: 'ambulant_verhouding', teller: 90, noemer: 20, waarde: 4.5 }),
    );
    expect(viaRow).toMatchObject({ soort: 'verhouding', status: 'getoond', value: 4.5 });
    expect(displayText(publishIndicatorRow(row({ indicator: 'jeugdigen_justitieel', waarde: 7 })))).toBe(
      '<10',
    );
  });

  it('suppresses a rate per 1,000 when its count is 1–9, and an amount below 20 clients', () => {
    expect(publishRate({ waarde: 1.234, count: 9 })).toMatchObject({ status: '<10', value: null });
    expect(publishRate({ waarde: 1.234, count: 10 }).value).toBe(1.2);
    // 16 youths of 3,000 would be 5,3 per 1,000 and give 16 back; from the rounded 15 it is 5,0.
    expect(publishRate({ waarde: 16 / 3, count: 16, population: 3000 }).value).toBe(5);
    expect(publishAmount({ waarde: 123456.7, clients: 19 }).value).toBeNull();
    expect(publishAmount({ waarde: 123456.7, clients: 20 }).value).toBe(123457);
  });

  it('shows provider figures only for providers with 20 clients or more', () => {
    expect(providerMayBeShown(19)).toBe(false);
    expect(providerMayBeShown(20)).toBe(true);
    expect(providerMayBeShown(null)).toBe(false);
    const r = row({
      dimensie: 'aanbieder',
      dimensie_waarde: '12345678',
      teller: 10,
      noemer: 40,
      waarde: 0.25,
    });
    expect(publishIndicatorRow(r, { providerClients: 19 }).value).toBeNull();
    expect(publishIndicatorRow(r, { providerClients: 25 }).value).toBe(0.25);
  });

  it('publishes mart rows by the kind of their indicator', () => {
    expect(displayText(publishIndicatorRow(row({ indicator: 'uithuisgeplaatst', waarde: 6 })))).toBe('<10');
    expect(displayText(publishIndicatorRow(row({ indicator: 'uithuisgeplaatst', waarde: 123 })))).toBe('125');
    expect(
      displayText(
        publishIndicatorRow(row({ indicator: 'jeugdigen_per_1000', teller: 4, noemer: 3000, waarde: 1.33 })),
      ),
    ).toBe('<10');
    expect(
      publishIndicatorRow(row({ indicator: 'nog_in_verblijf_24m', noemer: 50, waarde: 0.3 }), { atRisk: 12 })
        .value,
    ).toBeNull();
    expect(publishIndicatorRow(row({ indicator: 'onbekend', waarde: 500 })).value).toBeNull();
  });
});
