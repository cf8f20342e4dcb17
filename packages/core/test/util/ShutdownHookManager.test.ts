/**
 * SIGINT/SIGTERM run the registered hooks, highest priority first, then exit
 * with the signal's code; handlers are installed only while a hook is
 * registered. A context registers on make and unregisters on stop; a signal
 * stops it with "Invoking stop() from shutdown hook".
 */
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Logger } from "effect"
import * as SparkContext from "../../src/SparkContext.js"
import * as ShutdownHookManager from "../../src/util/ShutdownHookManager.js"

const fakeProcess = () => {
  const listeners = new Map<string, Set<() => void>>()
  const exits: Array<number> = []
  return {
    exits,
    count: (signal: string) => listeners.get(signal)?.size ?? 0,
    emit: (signal: string) => [...(listeners.get(signal) ?? [])].forEach((listener) => listener()),
    target: {
      on: (signal: string, listener: () => void) => listeners.set(signal, (listeners.get(signal) ?? new Set()).add(listener)),
      off: (signal: string, listener: () => void) => listeners.get(signal)?.delete(listener),
      exit: (code: number) => void exits.push(code)
    }
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve))

describe("ShutdownHookManager", () => {
  it("runs the hooks from the highest priority down, one after another, then exits with 143 on SIGTERM", async () => {
    const fake = fakeProcess()
    const manager = new ShutdownHookManager.ShutdownHookManager(fake.target)
    const ran: Array<string> = []
    const hook = (name: string) => async () => {
      ran.push(`${name} start`)
      await settle()
      ran.push(`${name} end`)
    }
    manager.add(50, hook("spark"))
    manager.add(51, hook("streaming"))
    manager.add(10, () => Promise.reject(new Error("a failing hook does not stop the others")))
    manager.add(5, hook("last"))
    fake.emit("SIGTERM")
    fake.emit("SIGTERM") // a repeat while the hooks run is ignored
    for (let i = 0; i < 20 && fake.exits.length === 0; i++) await settle()
    assert.deepStrictEqual(ran, ["streaming start", "streaming end", "spark start", "spark end", "last start", "last end"])
    assert.deepStrictEqual(fake.exits, [143])
  })

  it("exits with 130 on SIGINT; handlers are there only while a hook is registered", async () => {
    const fake = fakeProcess()
    const manager = new ShutdownHookManager.ShutdownHookManager(fake.target)
    assert.strictEqual(fake.count("SIGINT"), 0)
    const remove = manager.add(50, () => Promise.resolve())
    const removeOther = manager.add(50, () => Promise.resolve())
    assert.deepStrictEqual([fake.count("SIGINT"), fake.count("SIGTERM")], [1, 1])
    remove()
    assert.isTrue(manager.installed)
    removeOther()
    assert.deepStrictEqual([fake.count("SIGINT"), fake.count("SIGTERM"), manager.size], [0, 0, 0])
    manager.add(50, () => Promise.resolve())
    fake.emit("SIGINT")
    for (let i = 0; i < 20 && fake.exits.length === 0; i++) await settle()
    assert.deepStrictEqual(fake.exits, [130])
  })

  it.live("a context registers while it runs; SIGTERM stops it, logged at INFO", () => {
    const lines: Array<string> = []
    const logger = Logger.make(({ logLevel, message }) => void lines.push(`${logLevel} ${String(message)}`))
    return Effect.gen(function*() {
      const hooks = ShutdownHookManager.processHooks
      const before = hooks.size
      const exited = yield* Deferred.make<number>()
      const restore = hooks.overrideExit((code) => Deferred.doneUnsafe(exited, Effect.succeed(code)))
      yield* Effect.addFinalizer(() => Effect.sync(restore))
      // Stopped by its own stop: unregistered.
      const first = yield* SparkContext.make({ master: "local[1]" })
      assert.strictEqual(hooks.size, before + 1)
      assert.strictEqual(process.listenerCount("SIGTERM") > 0, true)
      yield* first.stop()
      assert.strictEqual(hooks.size, before)
      // Stopped by the signal.
      const sc = yield* SparkContext.make({ master: "local[1]" })
      process.emit("SIGTERM")
      assert.strictEqual(yield* Deferred.await(exited), 143)
      assert.isTrue(sc.isStopped)
      assert.strictEqual(hooks.size, before)
      const invoked = lines.indexOf("Info Invoking stop() from shutdown hook")
      assert.isAbove(invoked, -1, lines.join("\n"))
      assert.strictEqual(lines.lastIndexOf("Info Successfully stopped SparkContext") > invoked, true)
    }).pipe(Effect.scoped, Effect.provide(Logger.layer([logger])))
  })
})
