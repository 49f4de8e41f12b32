/**
 * The HTML template helper of the pages: `markup\`…\`` escapes every interpolated value unless it
 * is itself the result of `markup` (a {@link SafeHtml}); arrays are joined. Text from users, from
 * documents and from the hub's state therefore cannot add markup.
 */
import { escapeHtml } from '../login/html.js';

/** Markup that is already safe: made by {@link markup}, never from a plain string. */
export class SafeHtml {
  readonly #value: string;
  /** @param value - markup (only {@link markup} and {@link trustedHtml} make one) */
  constructor(value: string) {
    this.#value = value;
  }
  /** The markup. */
  toString(): string {
    return this.#value;
  }
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.toString();
  if (value === undefined || value === null || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(value);
}

/**
 * A template whose interpolations are HTML-escaped (`& < > " ' \``), in text and in
 * double-quoted attribute values alike. `undefined`, `null` and `false` render as nothing.
 *
 * @example
 * ```ts
 * markup`<p title="${name}">${name}</p>`.toString(); // name '<b>' → '<p title="&lt;b&gt;">&lt;b&gt;</p>'
 * ```
 */
export function markup(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

/**
 * Marks a constant of the program's own (never user input) as markup.
 *
 * @example
 * ```ts
 * trustedHtml('&nbsp;');
 * ```
 */
export function trustedHtml(text: string): SafeHtml {
  return new SafeHtml(text);
}
