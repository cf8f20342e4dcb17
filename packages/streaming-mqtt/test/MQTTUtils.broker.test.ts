// MQTTUtils end to end against a real mosquitto of the test's own, on
// local[2]: messages published at QoS 1 at a known pace are counted by a word
// count (each message is one word, m<i>), across batches, a broker restart
// and an application restart.
//
// Why a message is counted exactly once while nothing fails: the broker
// sends each QoS 1 message once per connection (MQTT resends only on a new
// connection of the session), the receiver stores it in one block and
// acknowledges it only after that block is stored, and a block is counted by
// one batch. Redelivery needs a new connection, and a message redelivered then
// was never acknowledged: either it was never stored (not counted before:
// counted once), or its block was stored and the connection was lost before
// the PUBACK went out (counted twice: MQTT's at-least-once). The broker
// restart test shows the guarantee that holds there: every message counted,
// none lost; duplicates only possible among messages received before the
// restart.
import { assert, describe, it } from "@effect/vitest"
import { SparkContext } from "@tspark/core"
import { StreamingContext } from "@tspark/streaming"
import { Effect, Fiber } from "effect"
import { connectAsync } from "mqtt"
import { MQTTUtils } from "../src/index.js"
import { moreBatches, notOnce, publish, testConf, waitUntil, word, wordCountApp } from "./utils/apps.js"
import { type Mosquitto, startMosquitto } from "./utils/mosquitto.js"

const broker = Effect.acquireRelease(Effect.promise(() => startMosquitto()), (b) => Effect.promise(() => b.close()))

// A missing mosquitto fails these tests, saying what to install (testkit's findBinary): they never skip.
describe("MQTTUtils.createStream against mosquitto (local[2])", () => {
  it.live.each(["local[2]", "local-cluster[2,1,512]"])(
    "counts N messages published at a known pace exactly once across batches (%s)",
    (master) =>
      Effect.scoped(Effect.gen(function*() {
        const mosquitto: Mosquitto = yield* broker
        const app = yield* wordCountApp(mosquitto.url, "words", { clientId: "exactly-once" }, {}, 200, master)
        yield* app.ssc.start()
        yield* waitUntil(() => app.started() === 1, "the receiver to start")
        // The subscription is made by the receiver: wait for it before publishing (cleanSession is false, but a
        // session that never subscribed gets nothing).
        yield* subscribed(mosquitto, "exactly-once", "words")
        const n = 3000
        yield* publish(mosquitto.url, "words", 0, n, { perTick: 30, tickMs: 10 })
        yield* waitUntil(() => app.total() >= n, `${n} messages counted`)
        yield* moreBatches(app, 3)
        yield* app.ssc.stop()
        assert.deepStrictEqual(notOnce(app.counts, 0, n), [])
        assert.strictEqual(app.total(), n)
        assert.deepStrictEqual(app.errors, [])
      }))
  )

  it.live("survives a broker restart mid-stream: the receiver reconnects, nothing acknowledged is lost", () =>
    Effect.scoped(Effect.gen(function*() {
      const mosquitto: Mosquitto = yield* broker
      const app = yield* wordCountApp(mosquitto.url, "words", { clientId: "broker-restart" })
      yield* app.ssc.start()
      yield* subscribed(mosquitto, "broker-restart", "words")
      const half = 1500
      const n = 3000
      // Publishing goes on while the broker stops: the first half races the stop.
      const firstHalf = yield* Effect.forkChild(publish(mosquitto.url, "words", 0, half, { perTick: 30, tickMs: 10 }))
      yield* waitUntil(() => app.total() >= 300, "300 messages counted")
      yield* Effect.promise(() => mosquitto.stop())
      yield* waitUntil(() => app.errors.some((e) => e.includes(mosquitto.url)), "the lost connection reported")
      yield* Effect.promise(() => mosquitto.start())
      // The publisher lost its connection with the broker: publish what it had not had acknowledged again.
      yield* Effect.exit(settled(firstHalf))
      yield* publish(mosquitto.url, "words", 0, half, { perTick: 50, tickMs: 5 })
      yield* publish(mosquitto.url, "words", half, n, { perTick: 30, tickMs: 10 })
      yield* waitUntil(() => countedAtLeastOnce(app.counts, n), `all ${n} messages counted`)
      yield* moreBatches(app, 3)
      yield* app.ssc.stop()
      // No loss: every message was counted. The first half was published twice (the publisher could not know
      // which of its messages the stopped broker had taken), so it may be counted twice; the second half,
      // published once to a broker that stayed up, exactly once.
      assert.isTrue(countedAtLeastOnce(app.counts, n))
      assert.deepStrictEqual(notOnce(app.counts, half, n), [])
      // Restarted in place (a restart is not a new job), the lost connection reported to the listeners.
      assert.strictEqual(app.started(), 1)
      assert.isTrue(app.errors.some((e) => e.includes(`MQTT broker at ${mosquitto.url}`)))
    })))

  it.live("a message received but not stored when the connection is lost is delivered again: its PUBACK waits for its block", () =>
    Effect.scoped(Effect.gen(function*() {
      // The broker logs every packet: what it sent the receiver, and every PUBACK it got back.
      const mosquitto: Mosquitto = yield* Effect.acquireRelease(
        Effect.promise(() => startMosquitto({ extraConfig: ["log_type debug"] })),
        (b) => Effect.promise(() => b.close())
      )
      const count = (pattern: string) => mosquitto.log().split(pattern).length - 1
      const app = yield* wordCountApp(mosquitto.url, "words", { clientId: "held-acks" }, { "spark.streaming.blockInterval": "3s" }, 6000)
      yield* app.ssc.start()
      yield* subscribed(mosquitto, "held-acks", "words")
      // Blocks are cut at multiples of the block interval: start just after one, so that the messages sit in the
      // receiver's current block (received, not stored) for over two seconds.
      yield* waitUntil(() => Date.now() % 3000 >= 50 && Date.now() % 3000 < 300, "just after a block boundary")
      const n = 200
      yield* publish(mosquitto.url, "words", 0, n, { perTick: 50, tickMs: 1 })
      yield* waitUntil(() => count("Sending PUBLISH to held-acks (d0") >= n, `the broker to send all ${n} messages`)
      const acknowledgedBeforeStop = count("Received PUBACK from held-acks")
      yield* Effect.promise(() => mosquitto.stop())
      yield* Effect.promise(() => mosquitto.start())
      yield* waitUntil(() => countedAtLeastOnce(app.counts, n), `all ${n} messages counted`)
      yield* moreBatches(app, 1)
      yield* app.ssc.stop()
      // None was acknowledged before its block was stored, so the broker sent every one again (DUP flag set) to the
      // session's next connection; the receiver had dropped its unstored block at the restart: each counted once.
      assert.strictEqual(acknowledgedBeforeStop, 0)
      assert.strictEqual(count("Sending PUBLISH to held-acks (d1"), n)
      assert.deepStrictEqual(notOnce(app.counts, 0, n), [])
      assert.strictEqual(count("Received PUBACK from held-acks"), n)
    })))

  it.live("a broker that is down at the start is retried with backoff, reported, and used once it is up", () =>
    Effect.scoped(Effect.gen(function*() {
      const mosquitto: Mosquitto = yield* broker
      yield* Effect.promise(() => mosquitto.stop())
      const errorTimes: Array<number> = []
      const app = yield* wordCountApp(mosquitto.url, "words", { clientId: "late-broker", reconnectInitialDelayMs: 50 })
      yield* app.ssc.addStreamingListener({ onReceiverError: () => void errorTimes.push(Date.now()) })
      yield* app.ssc.start()
      yield* waitUntil(() => app.errors.length >= 4, "four failed attempts reported")
      yield* Effect.promise(() => mosquitto.start())
      yield* subscribed(mosquitto, "late-broker", "words")
      yield* publish(mosquitto.url, "words", 0, 500)
      yield* waitUntil(() => app.total() >= 500, "500 messages counted")
      yield* moreBatches(app, 2)
      yield* app.ssc.stop()
      assert.deepStrictEqual(notOnce(app.counts, 0, 500), [])
      assert.isTrue(app.errors.every((e) => e.includes(`Connection to the MQTT broker at ${mosquitto.url} failed`)))
      // The delay doubles: 50, 100, 200 ms...: the fourth attempt came at least 200 ms after the third failed.
      assert.isAtLeast(errorTimes[3]! - errorTimes[2]!, 150)
      assert.strictEqual(app.started(), 1)
    })))

  it.live("spark.streaming.receiver.maxRate paces the receiver", () =>
    Effect.scoped(Effect.gen(function*() {
      const mosquitto: Mosquitto = yield* broker
      const app = yield* wordCountApp(mosquitto.url, "words", { clientId: "paced" }, { "spark.streaming.receiver.maxRate": "500" })
      yield* app.ssc.start()
      yield* subscribed(mosquitto, "paced", "words")
      const n = 1500
      yield* publish(mosquitto.url, "words", 0, n, { perTick: 500, tickMs: 1 })
      const published = Date.now()
      yield* waitUntil(() => app.total() >= n, `${n} messages counted`)
      const elapsed = Date.now() - published
      yield* moreBatches(app, 2)
      yield* app.ssc.stop()
      assert.deepStrictEqual(notOnce(app.counts, 0, n), [])
      // At 500 messages/s (a bucket of a tenth of a second), 1500 messages take at least 2.8 s after the publish.
      assert.isAtLeast(elapsed, 2_500)
    })))

  it.live("paired streams carry each message's topic, the payload as a string or as the bytes that arrived", () =>
    Effect.scoped(Effect.gen(function*() {
      const mosquitto: Mosquitto = yield* broker
      // Two receivers, each holding a core, and one core for the batches.
      const sc = yield* SparkContext.make({ master: "local[3]", appName: "mqtt pairs", conf: testConf })
      const ssc = yield* StreamingContext.make(sc, { batchDuration: 200 })
      const strings: Array<readonly [string, string]> = []
      const bytes: Array<readonly [string, Uint8Array]> = []
      const paired = yield* MQTTUtils.createPairedStream(ssc, mosquitto.url, ["pairs/+/text"], undefined, { clientId: "paired" })
      paired.foreachRDD((rdd) => Effect.map(rdd.collect(), (records) => void strings.push(...records)))
      const raw = yield* MQTTUtils.createPairedByteArrayStream(ssc, mosquitto.url, "pairs/bin/#", undefined, { clientId: "raw" })
      raw.foreachRDD((rdd) => Effect.map(rdd.collect(), (records) => void bytes.push(...records)))
      yield* ssc.start()
      yield* subscribed(mosquitto, "paired", "pairs/+/text")
      yield* subscribed(mosquitto, "raw", "pairs/bin/#")
      yield* Effect.promise(async () => {
        const client = await connectAsync(mosquitto.url, { clientId: "pairs-publisher", protocolVersion: 5 })
        await client.publishAsync("pairs/a/text", "grüße", { qos: 1 })
        await client.publishAsync("pairs/b/text", "", { qos: 1 })
        await client.publishAsync("pairs/bin/x/y", Buffer.from([0, 255, 7]), { qos: 1 })
        await client.endAsync()
      })
      yield* waitUntil(() => strings.length >= 2 && bytes.length >= 1, "the three messages")
      yield* ssc.stop()
      assert.sameDeepMembers(strings.map(([topic, payload]) => [topic, payload]), [["pairs/a/text", "grüße"], ["pairs/b/text", ""]])
      assert.strictEqual(bytes.length, 1)
      assert.strictEqual(bytes[0]![0], "pairs/bin/x/y")
      assert.instanceOf(bytes[0]![1], Uint8Array)
      assert.deepStrictEqual([...bytes[0]![1]], [0, 255, 7])
    })))

  it.live("a restarted application gets the messages published while it was down, each once", () =>
    Effect.scoped(Effect.gen(function*() {
      const mosquitto: Mosquitto = yield* broker
      const first = yield* Effect.scoped(Effect.gen(function*() {
        const app = yield* wordCountApp(mosquitto.url, "words", { clientId: "app-restart" })
        yield* app.ssc.start()
        yield* subscribed(mosquitto, "app-restart", "words")
        // Stopped while messages flow: some are in the receiver's current block, not stored, not acknowledged.
        const publishing = yield* Effect.forkChild(publish(mosquitto.url, "words", 0, 2000, { perTick: 20, tickMs: 10 }))
        yield* waitUntil(() => app.total() >= 500, "500 messages counted")
        yield* app.ssc.stop({ stopGracefully: true })
        yield* settled(publishing)
        return new Map(app.counts)
      }))
      // While no application runs, the broker keeps the persistent session's messages.
      yield* publish(mosquitto.url, "words", 2000, 3000, { perTick: 50, tickMs: 5 })
      const second = yield* wordCountApp(mosquitto.url, "words", { clientId: "app-restart" })
      yield* second.ssc.start()
      const counted = () => {
        let union = first.size
        for (const w of second.counts.keys()) if (!first.has(w)) union++
        return union
      }
      yield* waitUntil(() => counted() >= 3000, "every message counted by one of the runs")
      yield* moreBatches(second, 3)
      yield* second.ssc.stop()
      const all = new Map(first)
      for (const [w, c] of second.counts) all.set(w, (all.get(w) ?? 0) + c)
      assert.deepStrictEqual(notOnce(all, 0, 3000), [])
      assert.isAbove(first.size, 0)
      assert.isAbove(second.counts.size, 1000)
    })))
})

/** Waits for a publisher that may have failed (its broker stopped under it). */
const settled = <A, E>(fiber: Fiber.Fiber<A, E>) => Effect.asVoid(Effect.exit(Fiber.join(fiber)))

/** Waits until the broker logged the subscription of `clientId` (mosquitto logs `<clientId> <qos> <topic>`). */
const subscribed = (mosquitto: Mosquitto, clientId: string, topic: string) =>
  waitUntil(() => mosquitto.log().includes(`${clientId} 1 ${topic}`), `${clientId} to subscribe to ${topic}`)

const countedAtLeastOnce = (counts: ReadonlyMap<string, number>, n: number) => {
  for (let i = 0; i < n; i++) if ((counts.get(word(i)) ?? 0) < 1) return false
  return true
}
