// Turning the functions of a task into data and back. A function ships as
//  - an engine function: a name in the engine's registry plus its environment
//    (the executor runs the same engine code, so only the name travels);
//  - a `withEnv` function: its factory's source plus an explicit environment;
//  - a plain function: its source, when it captures nothing.
// Environments may hold data, functions (shipped the same way), broadcast
// variables and accumulators. Anything else captured is refused, naming it.
import { Data } from "effect"
import { freeIdentifiers, parseFunction } from "./captures.js"
import { engineFunction } from "./engineFunctions.js"
import { ENGINE, ENV } from "./marks.js"

export { ENGINE, ENV }

type Factory = (env: never) => unknown
interface EnvMark {
  readonly env: Readonly<Record<string, unknown>>
  readonly factory: Factory
}
export interface EngineMark {
  readonly name: string
  readonly env: Readonly<Record<string, unknown>>
}

export type SerializedFunction =
  | { readonly kind: "source"; readonly source: string }
  | { readonly kind: "factory"; readonly source: string; readonly env: unknown }
  | { readonly kind: "engine"; readonly name: string; readonly env: unknown }

/** Raised inside the recursive walk (a throw unwinds it cheaply); turned into TaskNotSerializableError at the boundary. */
export class NotShippable extends Data.TaggedError("NotShippable")<{
  readonly identifiers: ReadonlyArray<string>
  readonly where: string
  readonly reason: string
}> {
  constructor(identifiers: ReadonlyArray<string>, where: string, reason: string) {
    super({ identifiers, where, reason })
  }
}

/**
 * Marks `f` (built by `factory(env)`) so it ships as the factory's source plus `env`. A factory may
 * return a function that already ships its own way (`({ g }) => g`): that one is wrapped, never re-marked,
 * so that it keeps shipping as it did (re-marking it would also make `g` ship as the outer factory).
 */
const markEnv = <F>(f: F, mark: EnvMark): F => {
  let marked = f as unknown as (this: unknown, ...args: Array<unknown>) => unknown
  if (Object.prototype.hasOwnProperty.call(marked, ENV) || Object.prototype.hasOwnProperty.call(marked, ENGINE)) {
    const inner = marked
    marked = function(this: unknown, ...args: Array<unknown>) {
      return inner.apply(this, args)
    }
  }
  Object.defineProperty(marked, ENV, { value: mark })
  return marked as unknown as F
}

/** Marks a function built by `factory(env)` so it ships as the factory's source plus `env`. */
export const withEnv = <E extends Record<string, unknown>, F extends (...args: Array<never>) => unknown>(
  env: E,
  factory: (env: E) => F
): F => markEnv(factory(env), { env, factory: factory as Factory })

// ---------------------------------------------------------------- serialization

// A global is a property of globalThis, but not one every object inherits (`toString`, `valueOf`,
// `constructor`...): a captured variable of that name would silently resolve to Object.prototype's on the executor.
const isGlobal = (name: string): boolean =>
  (name in globalThis && !(name in Object.prototype)) || Object.prototype.hasOwnProperty.call(globalThis, name) ||
  name === "arguments" || name === "__name"

/** What each function source captures (`undefined`: not parseable); parsing once per source keeps tasks cheap. */
const capturesBySource = new Map<string, ReadonlyArray<string> | undefined>()

const checkSource = (source: string, where: string): void => {
  let captured = capturesBySource.get(source)
  if (captured === undefined && !capturesBySource.has(source)) {
    const parsed = parseFunction(source)
    captured = parsed === undefined ? undefined : freeIdentifiers(parsed.node, isGlobal)
    capturesBySource.set(source, captured)
  }
  if (captured === undefined) {
    throw new NotShippable([], where, "its source cannot be parsed as a function (native or bound functions cannot be shipped)")
  }
  if (captured.length > 0) throw new NotShippable(captured, where, "it captures variables of its surroundings")
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- ships any function value (arrows, methods, classes) by its source
export const serializeFunction = (f: Function, where: string): SerializedFunction => {
  const engine = (f as unknown as Record<symbol, EngineMark | undefined>)[ENGINE]
  if (engine !== undefined) return { kind: "engine", name: engine.name, env: serializeValue(engine.env, where) }
  const env = (f as unknown as Record<symbol, EnvMark | undefined>)[ENV]
  if (env !== undefined) {
    const source = env.factory.toString()
    checkSource(source, `${where} (its withEnv factory)`)
    return { kind: "factory", source, env: serializeValue(env.env, where) }
  }
  const source = f.toString()
  checkSource(source, where)
  return { kind: "source", source }
}

/** Values that need more than structured clone say how they ship. */
export interface ShippableClass {
  readonly toShipped: (where: string) => unknown
}

const FN = "__tspark_fn__"
/** The key that marks a shipped class instance (`{ [SHIPPED_CLASS]: name, data }`); defined here only. */
export const SHIPPED_CLASS = "__tspark_class__"
const CLASS = SHIPPED_CLASS

/** Class revivers: a shipped instance is rebuilt by name on the executor. */
const revivers = new Map<string, (data: unknown) => unknown>()
export const registerReviver = (name: string, revive: (data: unknown) => unknown): void => {
  revivers.set(name, revive)
}

export const serializeValue = (value: unknown, where: string, visiting: Set<object> = new Set()): unknown => {
  if (typeof value === "function") return { [FN]: serializeFunction(value, where) }
  // Symbols cannot be structured-cloned: refuse them here, at submission, not when the task is sent.
  if (typeof value === "symbol") {
    throw new NotShippable([], where, `it holds a symbol (${String(value)}), which cannot be sent to an executor`)
  }
  if (typeof value !== "object" || value === null) return value
  if (ArrayBuffer.isView(value) || value instanceof Date || value instanceof RegExp) return value
  const shippable = value as Partial<ShippableClass>
  if (typeof shippable.toShipped === "function") return shippable.toShipped(where)
  if (visiting.has(value)) throw new NotShippable([], where, "it holds a cyclic structure, which cannot be sent to an executor")
  visiting.add(value)
  try {
    if (Array.isArray(value)) return value.map((v) => serializeValue(v, where, visiting))
    if (value instanceof Map) {
      return new Map([...value].map(([k, v]) => [serializeValue(k, where, visiting), serializeValue(v, where, visiting)]))
    }
    if (value instanceof Set) return new Set([...value].map((v) => serializeValue(v, where, visiting)))
    const proto = Object.getPrototypeOf(value)
    if (proto !== Object.prototype && proto !== null) {
      const name = (value as object).constructor?.name ?? "object"
      throw new NotShippable(
        [],
        where,
        `it holds an instance of ${name}, which cannot be sent to an executor` +
          (name === "RDD" ? " (RDD transformations and actions can only be invoked by the driver, not inside other transformations)" : "")
      )
    }
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = serializeValue(v, where, visiting)
    return out
  } finally {
    visiting.delete(value)
  }
}

/** Marks data as a shipped class instance for `deserializeValue`. */
export const shippedClass = (name: string, data: unknown): unknown => ({ [CLASS]: name, data })

/** Adds to `into` the data of every shipped instance of class `name` in a serialized value (e.g. broadcast ids of a plan). */
export const collectShipped = (value: unknown, name: string, into: Set<unknown>): void => {
  if (typeof value !== "object" || value === null) return
  if (Array.isArray(value)) {
    for (const v of value) collectShipped(v, name, into)
    return
  }
  if (value instanceof Map) {
    for (const v of value.values()) collectShipped(v, name, into)
    return
  }
  const record = value as Record<string, unknown>
  if (record[CLASS] === name) into.add(record["data"])
  for (const v of Object.values(record)) collectShipped(v, name, into)
}

// ---------------------------------------------------------------- deserialization (executor side)

const compiled = new Map<string, unknown>()
const identity = <A>(f: A): A => f

const compile = (source: string): unknown => {
  let f = compiled.get(source)
  if (f === undefined) {
    const parsed = parseFunction(source)
    const expression = parsed?.expression ?? `(${source})`
    // `__name` is esbuild's keep-names helper, which emitted code may call.
    f = new Function("__name", `"use strict"; return ${expression}`)(identity)
    compiled.set(source, f)
  }
  return f
}

export const deserializeFunction = (s: SerializedFunction): unknown => {
  switch (s.kind) {
    case "source":
      return compile(s.source)
    case "factory": {
      const env = deserializeValue(s.env) as Readonly<Record<string, unknown>>
      const factory = compile(s.source) as Factory
      return markEnv((factory as (env: unknown) => unknown)(env), { env, factory })
    }
    case "engine": {
      const env = deserializeValue(s.env) as Record<string, unknown>
      return engineFunction(s.name, env)
    }
  }
}

export const deserializeValue = (value: unknown): unknown => {
  if (typeof value !== "object" || value === null) return value
  if (ArrayBuffer.isView(value) || value instanceof Date || value instanceof RegExp) return value
  if (Array.isArray(value)) return value.map(deserializeValue)
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [deserializeValue(k), deserializeValue(v)]))
  if (value instanceof Set) return new Set([...value].map(deserializeValue))
  const record = value as Record<string, unknown>
  if (FN in record) return deserializeFunction(record[FN] as SerializedFunction)
  if (CLASS in record) {
    const revive = revivers.get(record[CLASS] as string)
    if (revive === undefined) throw new Error(`no reviver for shipped class ${String(record[CLASS])}`)
    return revive(deserializeValue(record["data"]))
  }
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(record)) out[k] = deserializeValue(v)
  return out
}
