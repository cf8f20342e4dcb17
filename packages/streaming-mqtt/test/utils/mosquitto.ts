// A mosquitto broker of the test's own, through testkit's startServer: the
// installed binary (a missing one fails the test saying what to install) on
// a free loopback port, with a temporary directory for its configuration,
// persistence and log, stopped and removed by `close`. `stop` and `start`
// restart it on the same port with the same persistence (a broker restart
// mid-stream).
import { findBinary, type ServerProcess, startServer } from "@tspark/testkit"
import { readFileSync, writeFileSync } from "node:fs"
import * as path from "node:path"

export interface Mosquitto {
  readonly port: number
  readonly url: string
  /** Stops the broker (SIGTERM: it saves its persistence and exits). */
  readonly stop: () => Promise<void>
  /** Starts it again on the same port with the same persistence. */
  readonly start: () => Promise<void>
  /** Stops it and removes its directory. */
  readonly close: () => Promise<void>
  /** mosquitto's log: connections, subscriptions (`<clientId> <qos> <topic>`), and every packet with `log_type debug`. */
  readonly log: () => string
}

const LOG_FILE = "mosquitto.log"

/**
 * Starts a broker; `extraConfig` lines are appended to its configuration.
 * `persistence: false` keeps sessions in memory only (lost when it stops).
 */
export const startMosquitto = async (
  options: { readonly extraConfig?: ReadonlyArray<string>; readonly persistence?: boolean } = {}
): Promise<Mosquitto> => {
  const binary = findBinary({ name: "mosquitto", debianPackage: "mosquitto", neededBy: "MQTT broker tests", envVar: "MOSQUITTO" })
  const server: ServerProcess = await startServer({
    name: "mosquitto",
    binary,
    args: (_port, directory) => ["-c", path.join(directory, "mosquitto.conf")],
    prepare: (port, directory) =>
      writeFileSync(
        path.join(directory, "mosquitto.conf"),
        [
          `listener ${port} 127.0.0.1`,
          "allow_anonymous true",
          ...(options.persistence === false ? ["persistence false"] : [
            "persistence true",
            `persistence_location ${directory}/`,
            "persistence_file mosquitto.db"
          ]),
          // Keep every queued message of a persistent session (the default drops those past 1000).
          "max_queued_messages 0",
          "max_inflight_messages 0",
          // A file log is written line by line (stdout to a file is buffered): tests read it as it grows.
          `log_dest file ${path.join(directory, LOG_FILE)}`,
          "log_type error",
          "log_type warning",
          "log_type notice",
          "log_type information",
          "log_type subscribe",
          // Run as root, mosquitto would switch to its own user, who cannot write this directory.
          ...(process.getuid?.() === 0 ? ["user root"] : []),
          ...(options.extraConfig ?? [])
        ].join("\n") + "\n"
      )
  })
  return {
    port: server.port,
    url: `mqtt://${server.address}`,
    stop: server.stop,
    start: server.start,
    close: server.close,
    log: () => {
      try {
        return readFileSync(path.join(server.directory, LOG_FILE), "utf8")
      } catch {
        return ""
      }
    }
  }
}
