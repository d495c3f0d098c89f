/**
 * A phone app in portable code, for tests that drive a whole Device on the fake board on both engines: frames
 * messages over the fake link, binds with CPace (the code read off the device's screen description), opens Noise
 * KK sessions and speaks CBOR RPC. Deterministic keys and nonces, so a run is the same on Node and XS.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8Encode } from '../../../modules/bytes.js';
import { cpace } from '../../../modules/binding/cpace.js';
import { backupVerifier } from '../../../modules/binding/backup-code.js';
import type { Device } from '../../../modules/device.js';
import { decodeCbor, encodeCbor } from '../../../modules/protocol/cbor.js';
import { DEVICE_ID_SIZE, KEY_SIZE, Kind, NONCE_SIZE, bindContext, message, parseError, sessionPrologue } from '../../../modules/protocol/messages.js';
import { NoiseKK, keyPair, type KeyPair, type Transport } from '../../../modules/session/noise-kk.js';
import { Reassembler, fragment } from '../../../modules/transport/framing.js';
import type { FakeBoard } from './fake-ports.js';

const EMPTY = new Uint8Array(0);
let counter = 0;
/** deterministic "random" bytes for the test app */
export function testBytes(n: number, label = 'app'): Uint8Array {
  const out = new Uint8Array(n);
  for (let at = 0; at < n; at += 32) out.set(sha256(utf8Encode(`${label}/${counter++}`)).subarray(0, Math.min(32, n - at)), at);
  return out;
}

export interface DeviceReply {
  kind: number;
  body: Uint8Array;
  error?: { code: number; name: string; message: string };
  /** a session message, decrypted as it arrived (so the Noise counters stay in step) */
  value?: unknown;
}

/** The binding code as the screen shows it ("ABCD EFGH"), without the space; undefined when none is shown. */
export function screenCode(d: Device): string | undefined {
  return d.screen.lines.find((l) => /^[2-9A-HJ-NP-Z]{4} [2-9A-HJ-NP-Z]{4}$/.test(l))?.replace(' ', '');
}

export class AppPeer {
  readonly key: KeyPair;
  device?: { id: Uint8Array; publicKey: Uint8Array };
  private inbox: Uint8Array[] = [];
  private seen = 0;
  private readonly reassembler: Reassembler;
  private session: Transport | undefined;
  private nextId = 1;
  /** the Unix time this app tells the device with each call (as the client library does), or none */
  time: number | undefined;

  constructor(readonly board: FakeBoard, readonly mtu = 247, seed = 'phone') {
    this.key = keyPair(sha256(utf8Encode(`static/${seed}`)));
    this.seen = board.notified.length; // only what the device sends from now on
    this.reassembler = new Reassembler({ message: (m) => void this.inbox.push(m), error: (_c, t) => { throw new Error(`garbled frame from the device: ${t}`); } }, () => 0);
  }

  connect(): void {
    this.board.link().connected(this.mtu);
  }

  disconnect(): void {
    this.board.link().disconnected();
  }

  /** Send one message, framed, and collect what the device answered. */
  send(m: Uint8Array): DeviceReply[] {
    for (const p of fragment(m, this.mtu)) this.board.link().received(p);
    return this.collect();
  }

  /** Messages the device sent since the last look. */
  collect(): DeviceReply[] {
    for (; this.seen < this.board.notified.length; this.seen++) this.reassembler.push(this.board.notified[this.seen]);
    return this.inbox.splice(0).map((m) => {
      const r: DeviceReply = { kind: m[0], body: m.subarray(1) };
      if (m[0] === Kind.error) r.error = parseError(m.subarray(1));
      if (m[0] === Kind.sessionData && this.session) r.value = decodeCbor(this.session.receive.decrypt(EMPTY, r.body));
      return r;
    });
  }

  private pendingBind: { nonceA: Uint8Array; nonceB: Uint8Array; label: string; device: { id: Uint8Array; publicKey: Uint8Array }; salt?: Uint8Array } | undefined;

  /** Step 1: ask to bind. The device answers with its challenge (and shows its code) or an ERROR. */
  requestBind(label = 'Test phone', withBackupCode = false): DeviceReply[] {
    const nonceA = testBytes(NONCE_SIZE);
    const replies = this.send(message(withBackupCode ? Kind.bindRequestBackup : Kind.bindRequest, nonceA, this.key.pub, utf8Encode(label)));
    if (replies.length === 1 && replies[0].kind === Kind.bindChallenge) {
      const c = replies[0].body;
      this.pendingBind = {
        nonceA, label, nonceB: c.slice(0, NONCE_SIZE),
        device: { publicKey: c.slice(NONCE_SIZE, NONCE_SIZE + KEY_SIZE), id: c.slice(NONCE_SIZE + KEY_SIZE, NONCE_SIZE + KEY_SIZE + DEVICE_ID_SIZE) },
        ...(withBackupCode ? { salt: c.slice(NONCE_SIZE + KEY_SIZE + DEVICE_ID_SIZE) } : {}),
      };
    }
    return replies;
  }

  /** Step 2: CPace with `code` and key confirmation; the replies after it (none while the owner decides). */
  finishBind(code: string): DeviceReply[] {
    const p = this.pendingBind;
    if (!p) throw new Error('no bind request in progress');
    this.pendingBind = undefined;
    const ctx = bindContext(p.device.id, p.nonceA, p.nonceB, this.key.pub, p.label, p.device.publicKey, p.salt !== undefined);
    const password = p.salt ? backupVerifier(p.salt, code.replace(/\s/g, '')) : utf8Encode(code);
    const party = cpace('initiator', password, ctx.ci, ctx.sid, ctx.adApp, ctx.adDevice, testBytes(32));
    const second = this.send(message(Kind.bindShareA, party.share));
    if (second.length !== 1 || second[0].kind !== Kind.bindShareB) return second;
    const keys = party.finish(second[0].body.subarray(0, KEY_SIZE));
    this.device = p.device;
    // as the client library does: the app's time rides on the confirmation (a rebooted device knows none)
    const time = this.time === undefined ? new Uint8Array(0) : Uint8Array.from({ length: 8 }, (_, i) => Number((BigInt(Math.floor(this.time!)) >> BigInt(56 - 8 * i)) & 0xffn));
    return this.send(message(Kind.bindConfirmA, keys.ourTag, time));
  }

  /** Both steps, with the code read off the device's screen (or `code`, for wrong-code tests). */
  bindUntilAllow(d: Device, label = 'Test phone', code?: string): { replies: DeviceReply[]; shown?: string } {
    const first = this.requestBind(label);
    if (!this.pendingBind) return { replies: first };
    const shown = screenCode(d);
    const prs = code ?? shown;
    if (!prs) throw new Error(`no binding code on the screen (${d.screen.id})`);
    return { replies: this.finishBind(prs), shown };
  }

  openSession(): DeviceReply[] {
    if (!this.device) throw new Error('bind first');
    const noise = new NoiseKK('initiator', this.key, this.device.publicKey, keyPair(testBytes(32)), sessionPrologue(this.device.id));
    const replies = this.send(message(Kind.sessionInit, this.key.pub, noise.writeMessage(EMPTY)));
    const accept = replies.find((r) => r.kind === Kind.sessionAccept);
    if (accept) {
      noise.readMessage(accept.body);
      this.session = noise.split();
    }
    return replies;
  }

  /** Send raw CBOR bytes as a session request; returns the decoded answers (replies and notices). */
  sendCbor(plain: Uint8Array): unknown[] {
    if (!this.session) throw new Error('open a session first');
    return this.decode(this.send(message(Kind.sessionData, this.session.send.encrypt(EMPTY, plain))));
  }

  call(method: string, params?: Record<string, unknown>): any {
    const answers = this.ask(method, params);
    return answers[answers.length - 1];
  }

  /** Send a request and return what came back at once: the answer, or only notices while it waits for the owner. */
  ask(method: string, params?: Record<string, unknown>): unknown[] {
    return this.sendCbor(encodeCbor({ id: this.nextId++, method, ...(params ? { params } : {}), ...(this.time !== undefined ? { time: this.time } : {}) }));
  }

  /** The answer to a request that waited for the owner, among what the device sent since the last look. */
  answer(): any {
    return (this.decode(this.collect()) as any[]).find((a) => (a as { id?: unknown }).id !== undefined);
  }

  /** Decode session messages (and keep device ERROR messages as {linkError}). */
  decode(replies: DeviceReply[]): unknown[] {
    return replies.map((r) => {
      if (r.kind === Kind.error) return { linkError: r.error };
      if (r.kind !== Kind.sessionData) return { kind: r.kind };
      return r.value;
    });
  }
}
