/**
 * HTML built from strings, escaped by default. Every value interpolated into `html\`…\`` is escaped
 * unless it is itself `Html` (made by `html` or, for markup this code generated, `trustedHtml`), so a
 * file name, reason or code from the data cannot become markup.
 */

export class Html {
  readonly #markup: string;
  constructor(markup: string) {
    this.#markup = markup;
  }
  toString(): string {
    return this.#markup;
  }
}

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for use in HTML content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

type Interpolation = Html | string | number | null | undefined | false | readonly Interpolation[];

function renderInterpolation(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.toString();
  if (Array.isArray(value)) return value.map(renderInterpolation).join('');
  return escapeHtml(String(value));
}

/** Tagged template: literal parts are markup, interpolations are escaped (arrays are joined). */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += renderInterpolation(values[i]) + (strings[i + 1] ?? '');
  return new Html(out);
}

/** Marks markup this code produced itself (a serialised chart, the style sheet) as safe to insert. */
export function trustedHtml(markup: string): Html {
  return new Html(markup);
}
