import { assert, describe, it } from "@effect/vitest"
import { StorageLevel } from "@tspark/core"
import { Effect } from "effect"
import { describeReceiver, reviveReceiver } from "../../src/internal/receiverShipping.js"
import type { Receiver } from "../../src/receiver/Receiver.js"
import { lineConverter, SocketReceiver } from "../../src/receiver/SocketReceiver.js"
import { FieldReceiver, makeNotExported, NoModuleReceiver, RenamedReceiver, ShippableReceiver } from "./fixtures.js"

describe("receiver shipping", () => {
  it.effect("describe then revive gives an object of the class with the same fields, no constructor call", () =>
    Effect.gen(function*() {
      const descriptor = yield* describeReceiver(new ShippableReceiver("p-", 3))
      assert.strictEqual(descriptor.module, ShippableReceiver.module)
      assert.strictEqual(descriptor.exportName, "ShippableReceiver")
      assert.deepStrictEqual(Object.keys(descriptor.fields).sort(), ["format", "prefix", "storageLevel"])
      const revived = yield* Effect.promise(() => reviveReceiver(descriptor)) as Effect.Effect<ShippableReceiver>
      assert.instanceOf(revived, ShippableReceiver)
      assert.strictEqual(revived.prefix, "p-")
      assert.strictEqual(revived.format(2), "6")
      assert.isTrue(StorageLevel.equals(revived.storageLevel, StorageLevel.MEMORY_ONLY_2))
      assert.strictEqual(revived.streamId, -1)
      assert.isFalse(revived.isStarted())
    }))

  it.effect("a class exported under another name ships with static exportName", () =>
    Effect.gen(function*() {
      const descriptor = yield* describeReceiver(new RenamedReceiver())
      assert.strictEqual(descriptor.exportName, "RenamedReceiver")
      const revived = yield* Effect.promise(() => reviveReceiver(descriptor))
      assert.instanceOf(revived, RenamedReceiver)
    }))

  it.effect("the built-in SocketReceiver ships from @tspark/streaming/receiver with its line converter", () =>
    Effect.gen(function*() {
      const descriptor = yield* describeReceiver(new SocketReceiver("localhost", 9999, lineConverter) as Receiver<unknown>)
      assert.strictEqual(descriptor.module, "@tspark/streaming/receiver")
      assert.strictEqual(descriptor.exportName, "SocketReceiver")
      const revived = yield* Effect.promise(() => reviveReceiver(descriptor))
      assert.strictEqual(revived.constructor.name, "SocketReceiver")
      assert.deepStrictEqual([(revived as SocketReceiver<string>).host, (revived as SocketReceiver<string>).port], [
        "localhost",
        9999
      ])
    }))

  it.effect("a class without static module is refused, saying to add it", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(describeReceiver(new NoModuleReceiver()))
      assert.strictEqual(error.reason, "missing-module")
      assert.match(error.message, /static readonly module = import\.meta\.url/)
      assert.match(error.message, /NoModuleReceiver/)
    }))

  it.effect("a class its module does not export is refused, saying to export it", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(describeReceiver(makeNotExported()))
      assert.strictEqual(error.reason, "not-exported")
      assert.match(error.message, /does not export it as "NotExported"/)
    }))

  it.effect("a field that cannot ship is refused, naming the field", () =>
    Effect.gen(function*() {
      const limit = 3
      const capturing = yield* Effect.flip(describeReceiver(new FieldReceiver((x: number) => x < limit)))
      assert.strictEqual(capturing.reason, "field")
      assert.strictEqual(capturing.field, "payload")
      assert.match(capturing.message, /field "payload" of receiver FieldReceiver/)
      assert.match(capturing.message, /"limit"/)
      assert.match(capturing.message, /withEnv/)
      const data = yield* Effect.flip(describeReceiver(new FieldReceiver({ onData: () => 1 })))
      assert.strictEqual(data.field, "payload")
      assert.match(data.message, /its field "payload" cannot be serialized/)
    }))
})
