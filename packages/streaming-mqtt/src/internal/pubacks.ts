// PUBACKs written by the receiver itself, after the block holding their
// messages was stored. MQTT.js sends a QoS 1 message's PUBACK as soon as its
// handleMessage hook calls back, and handles one message at a time: holding
// the callback until the block is stored would hold every later message too
// (one message per block). So the hook calls back with `HELD` (MQTT.js then
// sends no PUBACK and goes on with the next packet) and the receiver writes
// the acknowledgements of a stored block here, in the order the messages
// arrived, as MQTT requires.
//
// A PUBACK with no reason code and no properties is the same four bytes in
// MQTT 3.1.1 and MQTT 5 (reason "Success"): 0x40, remaining length 2, the
// packet identifier.

/** The error a handleMessage hook calls back with so that MQTT.js sends no PUBACK of its own. */
export const HELD: Error = Object.freeze(new Error("PUBACK held until the block is stored"))

/** The PUBACKs of `ids`, in order, as one buffer. */
export const encodePubacks = (ids: ReadonlyArray<number>): Buffer => {
  const bytes = Buffer.allocUnsafe(ids.length * 4)
  for (let i = 0; i < ids.length; i++) {
    const at = i * 4
    const id = ids[i]!
    bytes[at] = 0x40
    bytes[at + 1] = 2
    bytes[at + 2] = id >> 8
    bytes[at + 3] = id & 0xff
  }
  return bytes
}
