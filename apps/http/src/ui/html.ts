/** A piece of markup that is already safe: only {@link html} and {@link raw} make one. */
export class Html {
  readonly #value: string;
  private constructor(value: string) {
    this.#value = value;
  }
  /** @internal */
  static of(value: string): Html {
    return new Html(value);
  }
  toString(): string {
    return this.#value;
  }
}

/** What may be interpolated into {@link html}: text is escaped, {@link Html} is kept, lists are joined. */
export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escape text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function part(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof Html) return value.toString();
  if (Array.isArray(value)) return value.map(part).join("");
  return escapeHtml(String(value));
}

/**
 * A template of markup whose every interpolated value is escaped, unless it is itself {@link Html}.
 *
 * @example
 * html`<td>${message.content}</td>`; // `<script>` arrives as `&lt;script&gt;`
 */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += part(values[i]!) + strings[i + 1]!;
  return Html.of(out);
}

/** Markup written in this code, never stored data (a stylesheet). */
export function raw(markup: string): Html {
  return Html.of(markup);
}

/** A relative URL: each path segment encoded, then the parameters that have a value. */
export function href(
  segments: readonly string[],
  params: Record<string, string | number | undefined | null> = {},
): string {
  const path = `/${segments.map((s) => encodeURIComponent(s)).join("/")}`;
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== "") query.set(k, String(v));
  const q = query.toString();
  return q ? `${path}?${q}` : path;
}
