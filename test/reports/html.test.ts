import { describe, expect, it } from 'vitest';
import { escapeHtml, html, trustedHtml } from '../../reports/html.js';

describe('html', () => {
  it('escapes every character that could open markup or end an attribute', () => {
    expect(escapeHtml(`<script>alert("x" & 'y')</script>`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;',
    );
  });

  it('escapes interpolations, joins arrays and keeps nested html as markup', () => {
    const name = '<img src=x onerror=alert(1)>.csv';
    const out = html`<ul>${[name, 'a"b'].map((n) => html`<li title="${n}">${n}</li>`)}</ul>`.toString();
    expect(out).toBe(
      '<ul><li title="&lt;img src=x onerror=alert(1)&gt;.csv">&lt;img src=x onerror=alert(1)&gt;.csv</li><li title="a&quot;b">a&quot;b</li></ul>',
    );
    expect(html`${null}${undefined}${false}${0}`.toString()).toBe('0');
    expect(html`${trustedHtml('<b>ok</b>')}`.toString()).toBe('<b>ok</b>');
  });
});
