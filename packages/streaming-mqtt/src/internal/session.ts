// One connection of an MQTT receiver, from its onStart to its onStop: an
// MQTT.js client with a persistent session, a block generator of the
// receiver's own whose blocks are stored with `store(records)` (resolved once
// the block is stored and reported to the driver) and only then acknowledged
// to the broker, in arrival order. Messages of a block that is not stored
// (the receiver stopped or restarted first) are never acknowledged: the broker
// delivers them again to the next connection of the same session.
//
// Spark's reliable receivers do the same with a block generator of their own
// (`ReceiverSupervisor.createBlockGenerator`, a BlockGeneratorListener that
// remembers what each block holds and commits it after `pushArrayBuffer`).
import type { BlockId } from "@tspark/core"
import { RateLimiter } from "@tspark/rate-control"
import { BlockGenerator } from "@tspark/streaming/receiver"
import { Effect, Exit, Scope } from "effect"
import { connect, type IPublishPacket, type MqttClient } from "mqtt"
import type { MqttReceiverSettings } from "../MqttOptions.js"
import { encodePubacks, HELD } from "./pubacks.js"

/** What a session asks of its receiver. */
export interface SessionHooks<T> {
  readonly streamId: number
  /** Stores a block; resolves once it is stored and reported (the receiver's `store(records)`). */
  readonly store: (records: ReadonlyArray<T>) => Promise<void>
  /** Restarts the receiver (reports the error, waits `delayMs`, starts a new session). */
  readonly restart: (message: string, error: unknown) => void
  readonly reportError: (message: string, error: unknown) => void
  /** The session is subscribed: the reconnect backoff starts over. */
  readonly subscribed: () => void
}

/** A running session; `close` ends it (see `openSession`). */
export interface Session {
  readonly close: () => Promise<void>
}

type ToRecord<T> = (packet: IPublishPacket) => T

const recordMaker = (format: MqttReceiverSettings["format"]): ToRecord<unknown> => {
  switch (format) {
    case "payload":
      return (packet) => packet.payload.toString()
    case "pair":
      return (packet) => [packet.topic, packet.payload.toString()] as const
    case "pairBytes":
      return (packet) => [packet.topic, packet.payload as Uint8Array] as const
  }
}

const limiterOf = (settings: MqttReceiverSettings) =>
  Effect.map(RateLimiter.fromConfig(settings.rateConf), (limiter) => Number.isFinite(limiter.currentLimitUnsafe()) ? limiter : undefined)

/**
 * Connects, subscribes and receives until `close`. A connection that fails,
 * is refused or is lost, a refused subscription and a failed store each
 * restart the receiver (once per session) through `hooks.restart`.
 *
 * `close` stops taking messages, lets the block being stored finish and
 * acknowledges it, drops what was not stored (left to the broker's
 * redelivery), then disconnects (MQTT's normal DISCONNECT, so a persistent
 * session stays).
 */
export const openSession = async <T>(settings: MqttReceiverSettings, hooks: SessionHooks<T>): Promise<Session> => {
  const scope = Scope.makeUnsafe()
  const rateLimiter = await Effect.runPromise(limiterOf(settings))
  const toRecord = recordMaker(settings.format) as ToRecord<T>
  let closing = false
  let restartAsked = false
  let unacked = 0
  let roomWaiters: Array<() => void> = []
  let filling: Array<number> = []
  const blockMessages = new Map<string, Array<number>>()
  let client: MqttClient | undefined = undefined
  let lastError: unknown = undefined
  let wasConnected = false

  const restart = (message: string, error: unknown) => {
    if (closing || restartAsked) return
    restartAsked = true
    hooks.restart(message, error)
  }

  const release = (count: number) => {
    unacked -= count
    if (unacked < settings.maxInFlight && roomWaiters.length > 0) {
      const waiters = roomWaiters
      roomWaiters = []
      for (const wake of waiters) wake()
    }
  }

  const acknowledge = (ids: ReadonlyArray<number>) => {
    if (ids.length === 0) return
    const stream = client?.stream
    // A lost connection's acknowledgements are dropped: the next connection gets those messages again.
    if (client?.connected === true && stream !== undefined && !stream.destroyed) stream.write(encodePubacks(ids))
    release(ids.length)
  }

  const pushBlock = (blockId: BlockId.BlockId, records: ReadonlyArray<T>) =>
    Effect.promise(async () => {
      const ids = blockMessages.get(blockId.name) ?? []
      blockMessages.delete(blockId.name)
      if (closing) return release(ids.length)
      try {
        await hooks.store(records)
      } catch (error) {
        release(ids.length)
        return restart(`Storing a block of ${records.length} MQTT messages failed`, error)
      }
      acknowledge(ids)
    })

  const generator = await Effect.runPromise(
    Scope.provide(scope)(BlockGenerator.make<T>({
      onAddData: (_record, id) => {
        if (typeof id === "number") filling.push(id)
      },
      onGenerateBlock: (blockId) => {
        blockMessages.set(blockId.name, filling)
        filling = []
      },
      onPushBlock: pushBlock,
      onError: hooks.reportError
    }, {
      streamId: hooks.streamId,
      blockIntervalMs: settings.blockIntervalMs,
      blockQueueSize: settings.blockQueueSize,
      ...(rateLimiter === undefined ? {} : { rateLimiter })
    }))
  )
  await Effect.runPromise(generator.start)

  // MQTT.js hands messages over one at a time: calling back lets it parse the next packet. Waiting here (rate
  // limiter, full block queue, too many messages unacknowledged) stops reading the connection, so TCP holds the
  // broker back. A QoS 1 message calls back with HELD: its PUBACK waits for its block (see pubacks.ts).
  const accept = (packet: IPublishPacket, done: (error?: Error) => void) => {
    const id = packet.qos > 0 ? packet.messageId : undefined
    const record = toRecord(packet)
    if (id !== undefined) unacked++
    const added = () => done(id === undefined ? undefined : HELD)
    if (generator.tryAddData(record, id)) return added()
    Effect.runPromise(generator.addDataWithCallback(record, id)).then(added, () => {
      // The generator stopped: the message stays unacknowledged, for the next connection.
      if (id !== undefined) release(1)
      done(HELD)
    })
  }

  const handleMessage = (packet: IPublishPacket, done: (error?: Error) => void) => {
    if (closing) return done(HELD)
    if (packet.qos === 0 || unacked < settings.maxInFlight) return accept(packet, done)
    roomWaiters.push(() => closing ? done(HELD) : accept(packet, done))
  }

  const mqttClient = connect(settings.brokerUrl, {
    clientId: settings.clientId,
    clean: settings.cleanSession,
    protocolVersion: settings.protocolVersion,
    keepalive: settings.keepAliveSeconds,
    connectTimeout: settings.connectTimeoutMs,
    reconnectPeriod: 0,
    resubscribe: false,
    ...(settings.username === undefined ? {} : { username: settings.username }),
    ...(settings.password === undefined ? {} : { password: settings.password }),
    ...(settings.protocolVersion === 5
      ? {
        properties: {
          sessionExpiryInterval: settings.cleanSession ? 0 : settings.sessionExpirySeconds,
          receiveMaximum: Math.min(settings.maxInFlight, 65_535)
        }
      }
      : {})
  })
  client = mqttClient
  mqttClient.handleMessage = handleMessage
  mqttClient.on("error", (error) => {
    lastError = error
  })
  mqttClient.on("connect", () => {
    wasConnected = true
    // Retain handling 1 (MQTT 5): retained messages only for a subscription the session did not have yet.
    const subscriptions = Object.fromEntries(settings.topics.map((topic) => [topic, { qos: settings.qos, rh: 1 }]))
    mqttClient.subscribe(subscriptions, (error, granted) => {
      if (closing) return
      if (error !== null && error !== undefined) return restart(`Subscribing to ${settings.topics.join(", ")} failed`, error)
      const refused = (granted ?? []).filter((g) => g.qos >= 128 || g.qos > settings.qos)
      if (refused.length > 0) {
        return restart(
          `The broker at ${settings.brokerUrl} refused the subscription to ${refused.map((g) => `${g.topic} (code ${g.qos})`).join(", ")}`,
          undefined
        )
      }
      hooks.subscribed()
      Effect.runFork(
        Effect.logInfo(
          `MQTT receiver ${hooks.streamId} (${settings.clientId}) subscribed to ${settings.topics.join(", ")} at ${settings.brokerUrl}`
        )
      )
    })
  })
  mqttClient.on("close", () => {
    restart(`Connection to the MQTT broker at ${settings.brokerUrl} ${wasConnected ? "lost" : "failed"}`, lastError)
  })

  const close = async () => {
    if (closing) return
    closing = true
    for (const wake of roomWaiters) wake()
    roomWaiters = []
    // Cuts the rest (not stored: closing) and waits for the block being stored, which is then acknowledged.
    await Effect.runPromise(generator.stop)
    await Effect.runPromise(Scope.close(scope, Exit.void))
    await endClient(mqttClient)
  }

  return { close }
}

/** A normal DISCONNECT after what is written; forced after 5 s (a broker that does not answer). */
const endClient = (client: MqttClient): Promise<void> =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(() => client.end(true, {}, () => resolve()), 5_000)
    client.end(false, {}, () => {
      clearTimeout(timer)
      resolve()
    })
  })
