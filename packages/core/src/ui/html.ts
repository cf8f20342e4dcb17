/**
 * HTML built from tagged templates that escape every interpolated value:
 * the one way the web UI writes markup, so an application, job, stage or
 * stream name (or an error message) is always shown as text, never run.
 *
 * Mirrors what Spark gets from Scala's XML literals in `org.apache.spark.ui.UIUtils`
 * (values interpolated into `<td>{name}</td>` are escaped by the XML library).
 *
 * @since 0.1.0
 */

/**
 * Markup that is already safe: made by `html`, `raw` or `join`. Any other
 * value interpolated into `html` is escaped.
 *
 * @category models
 * @since 0.1.0
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value
  }
}

const ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }

/**
 * Escapes text for an HTML element or a quoted attribute value.
 *
 * **Example**
 * ```ts
 * escape("<script>") // "&lt;script&gt;"
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!)

/** An interpolated value as markup: `Html` as it is, arrays joined, `undefined`/`null`/`false` as nothing, the rest escaped. */
const render = (value: unknown): string => {
  if (value instanceof Html) return value.value
  if (Array.isArray(value)) return value.map(render).join("")
  if (value === undefined || value === null || value === false) return ""
  return escape(String(value))
}

/**
 * A template whose interpolations are escaped (arrays of `Html` are joined).
 *
 * **Example**
 * ```ts
 * html`<td>${appName}</td>` // appName "<b>" gives <td>&lt;b&gt;</td>
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const html = (strings: TemplateStringsArray, ...values: ReadonlyArray<unknown>): Html => {
  let out = strings[0]!
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!
  return new Html(out)
}

/**
 * Markup taken as it is: only for text this code wrote (never user input).
 *
 * **Example**
 * ```ts
 * raw("&nbsp;")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const raw = (markup: string): Html => new Html(markup)

/**
 * JSON to embed in a `<script type="application/json">` element: `<` is
 * written as `\u003c` so no value can close the element.
 *
 * **Example**
 * ```ts
 * html`<script type="application/json">${json({ name: "</script>" })}</script>`
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const json = (value: unknown): Html => new Html(JSON.stringify(value).replace(/</g, "\\u003c"))
