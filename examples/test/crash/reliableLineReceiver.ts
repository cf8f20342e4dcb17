/**
 * A reliable receiver of the acknowledged line protocol (see
 * ackedLineServer.ts): it stores each run of lines it read as one block with
 * `store(records)`, which returns once the block is stored (in the receiver
 * write-ahead log when it is on) and reported to the driver, and only then
 * acknowledges the run's last sequence number to the source. Lines stay
 * `<seq> <word>`: the application drops the ones a restart made the source
 * send again.
 */
import { StorageLevel } from "@tspark/core"
import { Receiver } from "@tspark/streaming/receiver"
import * as net from "node:net"
import { logEvent, ranges } from "./crashLog.js"

export class ReliableLineReceiver extends Receiver<string> {
  private socket: net.Socket | undefined = undefined

  /** `diagnostics`: the crash test's trail (see crashLog.ts), where each stored and acknowledged run is noted. */
  constructor(readonly host: string, readonly port: number, readonly diagnostics: string) {
    // The write-ahead log keeps the blocks: one copy in memory is enough (Spark's advice with the log on).
    super(StorageLevel.MEMORY_AND_DISK_SER)
  }

  onStart(): void {
    const socket = net.connect(this.port, this.host)
    logEvent(this.diagnostics, "receiver connects")
    this.socket = socket
    let pending = ""
    let storing = Promise.resolve()
    socket.on("data", (chunk: Buffer) => {
      pending += chunk.toString("utf8")
      const end = pending.lastIndexOf("\n")
      if (end < 0) return
      const lines = pending.slice(0, end).split("\n")
      pending = pending.slice(end + 1)
      // One run at a time, in order: hold the socket while a run is being stored.
      socket.pause()
      storing = storing
        .then(() => this.store(lines))
        .then(() => {
          const last = lines[lines.length - 1]!
          const seqs = ranges(lines.map((line) => Number(line.slice(0, line.indexOf(" ")))))
          logEvent(this.diagnostics, `stored ${seqs}${socket.destroyed ? " (socket closed: not acknowledged)" : ""}`)
          if (!socket.destroyed) socket.write(`ACK ${last.slice(0, last.indexOf(" "))}\n`)
          socket.resume()
        })
        .catch((error: unknown) => this.restart("Storing received lines failed", error))
    })
    socket.on("error", (error) => this.restart(`Error receiving from ${this.host}:${this.port}`, error))
    socket.on("close", () => {
      if (!this.isStopped()) this.restart(`Connection to ${this.host}:${this.port} closed`)
    })
  }

  onStop(): void {
    this.socket?.destroy()
    this.socket = undefined
  }
}
