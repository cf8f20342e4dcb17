// Reading JSON that came from a file: every field is checked for its type,
// and the first wrong or missing one is reported with its path
// ("Task Info"."Executor ID": expected a string), so a corrupt event log line
// is named, never silently read as data.
import type { JsonValue } from "../../scheduler/SparkListener.js"

/** A field that is missing or of the wrong type; caught at the decoder's boundary and reported with the file and line. */
export class FieldError {
  constructor(readonly path: string, readonly expected: string) {}
  get message(): string {
    return `${this.path}: expected ${this.expected}`
  }
}

export type JsonObject = { readonly [key: string]: JsonValue }

const kindOf = (value: unknown) => (value === null ? "null" : Array.isArray(value) ? "array" : typeof value)

/** One JSON object being read, with its path for errors. */
export class Fields {
  constructor(readonly value: JsonObject, readonly path: string) {}

  static of(value: unknown, path: string): Fields {
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new FieldError(path, `an object, got ${kindOf(value)}`)
    return new Fields(value as JsonObject, path)
  }

  private at(key: string): string {
    return this.path === "" ? JSON.stringify(key) : `${this.path}.${JSON.stringify(key)}`
  }

  has(key: string): boolean {
    return this.value[key] !== undefined
  }

  raw(key: string): JsonValue {
    const value = this.value[key]
    if (value === undefined) throw new FieldError(this.at(key), "a value, but it is missing")
    return value
  }

  num(key: string): number {
    const value = this.value[key]
    if (typeof value !== "number" || !Number.isFinite(value)) throw new FieldError(this.at(key), `a number, got ${kindOf(value)}`)
    return value
  }

  optNum(key: string): number | undefined {
    return this.value[key] === undefined ? undefined : this.num(key)
  }

  str(key: string): string {
    const value = this.value[key]
    if (typeof value !== "string") throw new FieldError(this.at(key), `a string, got ${kindOf(value)}`)
    return value
  }

  optStr(key: string): string | undefined {
    return this.value[key] === undefined ? undefined : this.str(key)
  }

  bool(key: string): boolean {
    const value = this.value[key]
    if (typeof value !== "boolean") throw new FieldError(this.at(key), `a boolean, got ${kindOf(value)}`)
    return value
  }

  obj(key: string): Fields {
    return Fields.of(this.value[key], this.at(key))
  }

  arr<A>(key: string, each: (value: JsonValue, path: string) => A): Array<A> {
    const value = this.value[key]
    if (!Array.isArray(value)) throw new FieldError(this.at(key), `an array, got ${kindOf(value)}`)
    return (value as ReadonlyArray<JsonValue>).map((item, i) => each(item, `${this.at(key)}[${i}]`))
  }

  /** An object of string values, as key-value pairs in its order. */
  pairs(key: string): Array<readonly [string, string]> {
    const fields = this.obj(key)
    return Object.keys(fields.value).map((k) => [k, fields.str(k)] as const)
  }
}

export const numberAt = (value: JsonValue, path: string): number => {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new FieldError(path, `a number, got ${kindOf(value)}`)
  return value
}

/** Key-value pairs as a JSON object (Spark's `mapToJson`). */
export const pairsToJson = (pairs: Iterable<readonly [string, string]>): JsonObject => {
  const out: Record<string, string> = {}
  for (const [k, v] of pairs) out[k] = v
  return out
}
