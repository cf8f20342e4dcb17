// What the broker tests share: a publisher at a known pace, a word-count
// application over an MQTT stream on local[2], and bounded waits on the real
// clock (real sockets need it: a wait can only fail late on a slow machine,
// never pass wrongly).
import { SparkContext } from "@tspark/core"
import { StreamingContext } from "@tspark/streaming"
import { waitUntil as waitUntilReal } from "@tspark/testkit"
import { Effect } from "effect"
import { connectAsync } from "mqtt"
import { MQTTUtils } from "../../src/index.js"
import type { MqttStreamOptions } from "../../src/MqttOptions.js"

/** Waits (real clock, bounded) until `done` holds; dies naming `what` when it never does. */
export const waitUntil = (done: () => boolean, what: string, timeoutMs = 30_000) =>
  Effect.promise(() => waitUntilReal(done, what, timeoutMs))

/** The payload of message `i`: one word, so that a word count counts each message. */
export const word = (i: number) => `m${i}`

/**
 * Publishes `word(from)` .. `word(to - 1)` to `topic` at QoS 1, `perTick`
 * messages every `tickMs`, each acknowledged by the broker before the next
 * tick. Fails when the connection is lost (its messages then may or may not
 * have reached the broker).
 */
export const publish = (url: string, topic: string, from: number, to: number, pace = { perTick: 20, tickMs: 5 }) =>
  Effect.promise(async () => {
    const client = await connectAsync(url, { clientId: `publisher-${from}-${to}-${Date.now()}`, protocolVersion: 5, reconnectPeriod: 0 })
    const lost = new Promise<never>((_, reject) => client.once("close", () => reject(new Error(`publisher lost ${url}`))))
    lost.catch(() => undefined)
    try {
      for (let i = from; i < to; i += pace.perTick) {
        const tick = Array.from({ length: Math.min(pace.perTick, to - i) }, (_, k) => client.publishAsync(topic, word(i + k), { qos: 1 }))
        await Promise.race([Promise.all(tick), lost])
        await new Promise((resolve) => setTimeout(resolve, pace.tickMs))
      }
    } finally {
      await client.endAsync(true)
    }
  })

export const testConf = {
  "spark.streaming.blockInterval": "50ms",
  "spark.streaming.receiverRestartDelay": "100ms"
}

/** A word count over an MQTT stream (on local[2] by default): `counts` adds up every batch, `errors` keeps receiver errors. */
export const wordCountApp = (
  url: string,
  topic: string,
  options: MqttStreamOptions,
  conf: Record<string, string> = {},
  batchMs = 200,
  master = "local[2]"
) =>
  Effect.gen(function*() {
    const sc = yield* SparkContext.make({ master, appName: "mqtt word count", conf: { ...testConf, ...conf } })
    const ssc = yield* StreamingContext.make(sc, { batchDuration: batchMs })
    const counts = new Map<string, number>()
    const errors: Array<string> = []
    let started = 0
    let batches = 0
    const lines = yield* MQTTUtils.createStream(ssc, url, topic, undefined, {
      reconnectInitialDelayMs: 50,
      reconnectMaxDelayMs: 400,
      ...options
    })
    lines
      .flatMap((line) => line.split(" "))
      .map((w) => [w, 1] as const)
      .reduceByKey((a, b) => a + b)
      .foreachRDD((rdd) =>
        Effect.map(rdd.collect(), (pairs) => {
          for (const [w, n] of pairs) counts.set(w, (counts.get(w) ?? 0) + n)
        })
      )
    yield* ssc.addStreamingListener({
      onReceiverStarted: () => void started++,
      onReceiverError: (info) => void errors.push(info.lastErrorMessage),
      onBatchCompleted: () => void batches++
    })
    const total = () => {
      let sum = 0
      for (const n of counts.values()) sum += n
      return sum
    }
    return { sc, ssc, counts, errors, total, started: () => started, batches: () => batches }
  })

/** Waits until `n` more batches have completed (nothing left in flight from before). */
export const moreBatches = (app: { readonly batches: () => number }, n: number) => {
  const target = app.batches() + n
  return waitUntil(() => app.batches() >= target, `${n} more batches`)
}

/** The words `word(from)` .. `word(to - 1)` that were counted other than once, as `word:count`. */
export const notOnce = (counts: ReadonlyMap<string, number>, from: number, to: number): Array<string> => {
  const wrong: Array<string> = []
  for (let i = from; i < to; i++) {
    const n = counts.get(word(i)) ?? 0
    if (n !== 1) wrong.push(`${word(i)}:${n}`)
  }
  return wrong
}
