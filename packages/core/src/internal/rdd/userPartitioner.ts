// How an instance of a user's subclass of `Partitioner` ships to executors:
// its own fields as data, and the methods of its class (up to the base
// class) as function sources, which may use `this` but must capture nothing
// else (as any shipped function). Getters ship as their value at submission.
// `equals` stays on the driver, which alone decides co-partitioning: it may
// name its class (`other instanceof MyPartitioner`), which an executor lacks.
// On the executor the instance is rebuilt as an object whose prototype holds
// the compiled methods, on top of the base class's prototype.
import { serializeValue } from "../closure/shipping.js"

interface ShippedInstance {
  readonly className: string
  readonly methods: Readonly<Record<string, unknown>>
  readonly values: Readonly<Record<string, unknown>>
}

export const shipSubclassInstance = (instance: object, base: object, where: string): ShippedInstance => {
  const className = instance.constructor?.name ?? "Partitioner"
  const methods: Record<string, unknown> = {}
  const values: Record<string, unknown> = {}
  for (let proto = Object.getPrototypeOf(instance); proto !== null && proto !== base; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === "constructor" || name === "equals" || name in methods || name in values) continue
      const descriptor = Object.getOwnPropertyDescriptor(proto, name)!
      const at = `${where}: ${className}.${name}`
      if (descriptor.get !== undefined) values[name] = serializeValue((instance as Record<string, unknown>)[name], at)
      else if (typeof descriptor.value === "function") methods[name] = serializeValue(descriptor.value, at)
    }
  }
  for (const [name, value] of Object.entries(instance)) values[name] = serializeValue(value, `${where}: ${className}.${name}`)
  return { className, methods, values }
}

export const reviveSubclassInstance = (data: unknown, base: object): unknown => {
  const { className, methods, values } = data as ShippedInstance
  const proto = Object.create(base) as Record<string, unknown>
  for (const [name, method] of Object.entries(methods)) {
    Object.defineProperty(proto, name, { value: method, writable: true, configurable: true })
  }
  // The class's name, for messages and `toDebugString`.
  Object.defineProperty(proto, "constructor", { value: { name: className }, configurable: true })
  return Object.assign(Object.create(proto) as object, values)
}
