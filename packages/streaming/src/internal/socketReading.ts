// What the socket receivers share (Spark's SocketReceiver.receive and
// RawNetworkReceiver.onStart): connect to host:port, read with the receiver's
// own reader, and restart the receiver when the connection is refused, fails
// or ends. A restart replaces the connection; the old one's reader sees
// `isCurrent()` turn false and stops storing.
import * as net from "node:net"
import type { Receiver } from "../receiver/Receiver.js"

/** Connections live beside their receivers, not in their fields (fields are what ships). */
const sockets = new WeakMap<object, net.Socket>()

/** Reads a connection until it ends; stores only while `isCurrent()`. */
export type SocketReader = (socket: net.Socket, isCurrent: () => boolean) => Promise<void>

/**
 * Connects `receiver` to `host:port` and runs `read` on the connection (call
 * from `onStart`). With `onread`, the socket reads into the reader's own
 * memory and hands each read to its callback (no 'data' events). Returns
 * the socket.
 */
export const connectAndRead = (
  receiver: Receiver<unknown>,
  host: string,
  port: number,
  read: SocketReader,
  onread?: net.OnReadOpts
): net.Socket => {
  const socket = net.connect(onread === undefined ? { host, port } : { host, port, onread })
  sockets.set(receiver, socket)
  void readConnection(receiver, `${host}:${port}`, socket, read)
  return socket
}

/** Whether `socket` is still the receiver's connection and the receiver runs. */
export const isCurrentSocket = (receiver: Receiver<unknown>, socket: net.Socket): boolean =>
  sockets.get(receiver) === socket && !receiver.isStopped()

/** Closes the receiver's connection (call from `onStop`). */
export const disconnect = (receiver: Receiver<unknown>): void => {
  sockets.get(receiver)?.destroy()
  sockets.delete(receiver)
}

const readConnection = async (receiver: Receiver<unknown>, where: string, socket: net.Socket, read: SocketReader) => {
  const isCurrent = () => isCurrentSocket(receiver, socket)
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve)
      socket.once("error", reject)
    })
  } catch (error) {
    if (isCurrent()) receiver.restart(`Error connecting to ${where}`, error)
    return
  }
  try {
    await read(socket, isCurrent)
    if (isCurrent()) receiver.restart(`Socket data stream from ${where} had no more data`)
  } catch (error) {
    if (isCurrent()) receiver.restart(`Error receiving data from ${where}`, error)
  } finally {
    socket.destroy()
  }
}
