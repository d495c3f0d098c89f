/**
 * The app side of the event log: pull what happened since the last look (paged), follow new events live, and
 * check every reply with modules/guard/event-verify.ts. What the app has verified (the device's event key, pinned
 * at the first look, and the last head) is kept per device in the app's home, so the next look must continue it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fromHex, toHex } from '../../modules/bytes.js';
import { SECURITY_KINDS, type EventsAnswer, type LatchEvent, type SignedHead } from '../../modules/guard/event-format.js';
import { verifyEvents, verifyKeptAlarm, type KnownHead } from '../../modules/guard/event-verify.js';
import type { DeviceNotice, RpcSession } from './client.js';

export interface PinnedLog {
  key: Uint8Array;
  last: KnownHead;
  /** the device's count of security events lost unread, as last reported (a rise is a failure) */
  lostUnread?: number;
}

export interface EventsStore {
  load(): PinnedLog | undefined;
  save(p: PinnedLog): void;
}

/** `events-<device id>.json` in the app's home. */
export function fileEventsStore(home: string, deviceId: Uint8Array): EventsStore {
  const file = path.join(home, `events-${toHex(deviceId)}.json`);
  return {
    load() {
      if (!fs.existsSync(file)) return undefined;
      const j = JSON.parse(fs.readFileSync(file, 'utf8'));
      return { key: fromHex(j.key), last: { seq: j.lastSeq, hash: fromHex(j.lastHash) }, lostUnread: j.lostUnread ?? 0 };
    },
    save(p) {
      fs.mkdirSync(home, { recursive: true, mode: 0o700 });
      const tmp = `${file}.tmp`;
      fs.writeFileSync(tmp, `${JSON.stringify({ key: toHex(p.key), lastSeq: p.last.seq, lastHash: toHex(p.last.hash), lostUnread: p.lostUnread ?? 0 }, null, 2)}\n`, { mode: 0o600 });
      fs.renameSync(tmp, file);
    },
  };
}

export function memoryEventsStore(): EventsStore & { value?: PinnedLog } {
  const s: EventsStore & { value?: PinnedLog } = { load: () => s.value, save: (p) => { s.value = p; } };
  return s;
}

export interface EventsReport {
  /** every check held */
  ok: boolean;
  /** why not, in words */
  problems: string[];
  /** the events asked for, oldest first (shown even when a check failed, with the problems) */
  events: LatchEvent[];
  /** events the ring overwrote before this app saw them */
  unseenOverwritten: number;
  /** events the device no longer keeps at all */
  dropped: number;
  head: KnownHead;
  /**
   * The duress alarm the device kept apart from its ring (guard/event-log.ts), when the reply carried one: its seq,
   * and the security events (the signatures among them) the ring overwrote after the decoy's app read them and
   * before this app did. The alarm itself is among `events` when this app had not seen it.
   */
  duress?: { alarm: number; securityUnseen: number; signedUnseen: number };
}

export class EventsApp {
  constructor(
    private readonly session: RpcSession,
    private readonly deviceId: Uint8Array,
    private readonly store: EventsStore,
    /** a reply as it arrives, before it is checked (tests alter replies here to prove the check catches it) */
    private readonly intercept: (answer: EventsAnswer) => EventsAnswer = (a) => a,
  ) {}

  /**
   * Events from `since` (default: all the device keeps). The app always asks from no later than the event after
   * the last head it verified, so continuity is checked whatever is shown.
   */
  async sync(since = 1): Promise<EventsReport> {
    let pinned = this.store.load();
    const seenTo = pinned?.last.seq ?? 0;
    let ask = pinned ? Math.min(since, pinned.last.seq + 1) : 1;
    const events: LatchEvent[] = [];
    let unseenOverwritten = 0;
    let dropped = 0;
    let duress: EventsReport['duress'];
    for (;;) {
      const answer = this.intercept(await this.session.call('events_since', { since: ask }) as EventsAnswer);
      const check = verifyEvents(answer, { deviceId: this.deviceId, since: ask, key: pinned?.key, last: pinned?.last });
      events.push(...check.events.filter((e) => e.seq >= since));
      unseenOverwritten += check.unseenOverwritten;
      dropped = answer.dropped;
      if (check.ok && answer.alarm) {
        // the duress alarm kept apart from the ring: signed with the count, by the key this app pinned
        const kept = verifyKeptAlarm(answer.alarm, { deviceId: this.deviceId, key: check.key });
        if (!kept.ok) return { ok: false, problems: kept.problems, events, unseenOverwritten, dropped, head: check.head };
        const alarm = kept.event!;
        if (alarm.seq > seenTo && alarm.seq >= since && !events.some((e) => e.seq === alarm.seq)) events.unshift(alarm);
        duress = { alarm: alarm.seq, securityUnseen: kept.securityUnseen, signedUnseen: kept.signedUnseen };
      }
      if (!check.ok) return { ok: false, problems: check.problems, events, unseenOverwritten, dropped, head: check.head, duress };
      // Security events the device had to overwrite before this app read them (issue 18): said once, as a failure.
      const lost = (answer.lostUnread ?? 0) - (pinned?.lostUnread ?? 0);
      pinned = { key: check.key, last: check.head, lostUnread: answer.lostUnread ?? pinned?.lostUnread ?? 0 };
      this.store.save(pinned);
      if (lost > 0) return { ok: false, problems: [`${lost} security events were overwritten on the device before this app read them`], events, unseenOverwritten, dropped, head: check.head, duress };
      if (!answer.more) {
        // Verified and kept: the device may now overwrite them (firmware before 0.4 has no events_ack).
        if (answer.acked !== undefined && answer.acked < check.head.seq) await this.session.call('events_ack', { seq: check.head.seq });
        return { ok: true, problems: [], events, unseenOverwritten, dropped, head: check.head, duress };
      }
      ask = check.head.seq + 1;
    }
  }

  /**
   * Follow new events live: subscribe, then check each notice's event against the last verified head and its
   * signed head. `onEvent` hears each event (with the problems when the check fails; the app then syncs again).
   */
  async follow(onEvent: (event: LatchEvent | undefined, problems: string[]) => void): Promise<void> {
    const first = await this.sync(); // from the last head seen: a live stream must continue a checked log
    if (!first.ok) throw new EventLogError(first.problems);
    await this.session.call('events_subscribe');
    this.session.onNotice((n: DeviceNotice) => {
      if (n.notify !== 'event') return;
      const data = n.data as { event: Uint8Array; head: SignedHead };
      const pinned = this.store.load()!;
      const answer = this.intercept({ events: [data.event], anchor: pinned.last.hash, head: data.head, key: pinned.key, dropped: 0, damaged: [], more: false });
      const check = verifyEvents(answer, { deviceId: this.deviceId, since: pinned.last.seq + 1, key: pinned.key, last: pinned.last });
      if (check.ok) {
        this.store.save({ ...pinned, last: check.head });
        // A security event seen live is read: acknowledge it (lesser ones wait for the next sync: no flash write each).
        if (check.events[0] && SECURITY_KINDS.has(check.events[0].kind)) void this.session.call('events_ack', { seq: check.head.seq }).catch(() => undefined);
      }
      onEvent(check.events[0], check.problems);
    });
  }
}

/** The log did not check out: what failed, in words. */
export class EventLogError extends Error {
  constructor(readonly problems: string[]) {
    super(`the device's event log does not check out: ${problems.join('; ')}`);
  }
}
