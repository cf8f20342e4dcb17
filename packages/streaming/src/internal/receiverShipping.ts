// A receiver travels to an executor as { module, exportName, fields }: the
// executor imports the module, takes the class, and rebuilds the object with
// Object.create(prototype) plus the fields (no constructor call, as Java
// deserialization). describeReceiver checks all of it on the driver.
import { Closure } from "@tspark/core"
import { Effect } from "effect"
import * as v8 from "node:v8"
import type { Receiver } from "../receiver/Receiver.js"
import { ReceiverNotShippableError } from "../receiver/ReceiverError.js"

/** A receiver as it travels: where its class is exported, and its own enumerable fields. */
export interface ReceiverDescriptor {
  readonly module: string
  readonly exportName: string
  readonly fields: Readonly<Record<string, unknown>>
}

type ReceiverClass = (abstract new(...args: Array<never>) => Receiver<unknown>) & {
  readonly module?: unknown
  readonly exportName?: unknown
}

const own = (ctor: ReceiverClass, key: "module" | "exportName"): unknown =>
  Object.prototype.hasOwnProperty.call(ctor, key) ? ctor[key] : undefined

const fieldProblem = (className: string, key: string, value: unknown): ReceiverNotShippableError | undefined => {
  if (typeof value === "function") {
    const problem = Closure.check(value, `field "${key}" of receiver ${className}`)
    return problem === undefined ? undefined : new ReceiverNotShippableError({
      receiver: className,
      reason: "field",
      field: key,
      message: `Receiver ${className} cannot be shipped to an executor: ${problem.message}`
    })
  }
  try {
    v8.serialize(value)
    return undefined
  } catch (error) {
    return new ReceiverNotShippableError({
      receiver: className,
      reason: "field",
      field: key,
      message: `Receiver ${className} cannot be shipped to an executor: its field "${key}" cannot be serialized ` +
        `(${error instanceof Error ? error.message : String(error)}). Keep only data and shippable functions in a ` +
        `receiver's own fields; create connections and other runtime state in onStart (or keep them in a WeakMap)`
    })
  }
}

/** Checks a receiver can be shipped and describes it; imports its module to check the export. */
export const describeReceiver = (
  receiver: Receiver<unknown>
): Effect.Effect<ReceiverDescriptor, ReceiverNotShippableError> =>
  Effect.gen(function*() {
    const ctor = receiver.constructor as ReceiverClass
    const className = ctor.name
    const module = own(ctor, "module")
    if (typeof module !== "string" || module.length === 0) {
      return yield* new ReceiverNotShippableError({
        receiver: className,
        reason: "missing-module",
        message: `Receiver ${className} cannot be shipped to an executor: its class does not say which module exports ` +
          `it. Export the class and add \`static readonly module = import.meta.url\` (or a package specifier such as ` +
          `"my-package/receivers") to ${className}`
      })
    }
    const exportName = typeof own(ctor, "exportName") === "string" ? own(ctor, "exportName") as string : className
    const loaded = yield* Effect.tryPromise(() => import(module) as Promise<Record<string, unknown>>).pipe(
      Effect.mapError((e) =>
        new ReceiverNotShippableError({
          receiver: className,
          reason: "not-exported",
          message: `Receiver ${className} cannot be shipped to an executor: its module "${module}" cannot be ` +
            `imported (${e.cause instanceof Error ? e.cause.message : String(e.cause)}). Set \`static readonly ` +
            `module\` of ${className} to a module executors can import (import.meta.url of the file that exports it)`
        })
      )
    )
    const exported = loaded[exportName]
    // The same class may be loaded twice (ESM and CJS, source and build): compare names, not identity.
    if (typeof exported !== "function" || exported.name !== className) {
      return yield* new ReceiverNotShippableError({
        receiver: className,
        reason: "not-exported",
        message: `Receiver ${className} cannot be shipped to an executor: module "${module}" does not export it as ` +
          `"${exportName}". Export the class from that module${
            exportName === className ? "" : ", or fix `static readonly exportName`"
          } (set \`static readonly exportName\` when the export name differs from the class name)`
      })
    }
    const fields: Record<string, unknown> = {}
    for (const key of Object.keys(receiver)) {
      const value = (receiver as unknown as Record<string, unknown>)[key]
      const problem = fieldProblem(className, key, value)
      if (problem !== undefined) return yield* problem
      fields[key] = value
    }
    return { module, exportName, fields }
  })

/** Rebuilds a receiver on an executor: imports its class and assigns its fields, without calling the constructor. */
export const reviveReceiver = async (descriptor: ReceiverDescriptor): Promise<Receiver<unknown>> => {
  const loaded = await import(descriptor.module) as Record<string, unknown>
  const ctor = loaded[descriptor.exportName]
  if (typeof ctor !== "function") {
    throw new ReceiverNotShippableError({
      receiver: descriptor.exportName,
      reason: "not-exported",
      message: `Cannot rebuild receiver ${descriptor.exportName} on this executor: module "${descriptor.module}" does ` +
        `not export it`
    })
  }
  const receiver = Object.create(ctor.prototype as object) as Receiver<unknown>
  return Object.assign(receiver, descriptor.fields)
}
