/**
 * A bus made held (the context's LiveListenerBus) keeps the events posted
 * before `start` and delivers them, in order, to the listeners added before
 * it; a started bus delivers as events come.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { ListenerBus } from "../../src/util/ListenerBus.js"

type Listener = { readonly on: (n: number) => void }

describe("ListenerBus", () => {
  it.effect("held until start: listeners added before it hear every event posted before it, in order", () =>
    Effect.scoped(Effect.gen(function*() {
      const bus = yield* ListenerBus.make<number, Listener>((l, n) => l.on(n), undefined, { startHeld: true })
      const heard: Array<number> = []
      bus.post(1)
      bus.post(2)
      yield* bus.addListener({ on: (n) => void heard.push(n) })
      yield* bus.waitUntilEmpty()
      assert.deepStrictEqual(heard, [], "nothing before start")
      bus.start()
      bus.post(3)
      yield* bus.waitUntilEmpty()
      assert.deepStrictEqual(heard, [1, 2, 3])
      bus.start()
      yield* bus.waitUntilEmpty()
      assert.deepStrictEqual(heard, [1, 2, 3], "a second start is a no-op")
    })))

  it.effect("a bus made started delivers at once", () =>
    Effect.scoped(Effect.gen(function*() {
      const bus = yield* ListenerBus.make<number, Listener>((l, n) => l.on(n))
      const heard: Array<number> = []
      yield* bus.addListener({ on: (n) => void heard.push(n) })
      bus.post(7)
      yield* bus.waitUntilEmpty()
      assert.deepStrictEqual(heard, [7])
    })))
})
