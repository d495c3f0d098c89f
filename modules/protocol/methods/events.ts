/**
 * The event log over the session (guard/event-log.ts):
 *   events_since     {since?, limit?}  -> {events: [bytes], anchor, head: {seq, hash, signature}, key, dropped, damaged}
 *   events_subscribe {}                -> {head: {seq, hash, signature}, key}; then every new event arrives as the
 *                                         notice {notify: 'event', data: {event: bytes, head}} while the session lasts
 *   events_ack       {seq}              -> {acked}: the app verified and kept every event up to seq; security events
 *                                         after it are never overwritten, and signing waits while they nearly would
 * Served to the bound app whether the device is locked or not: what happened while the phone was away is exactly
 * what it needs to see.
 * An app bound in duress mode (vault.ts: held only until the device locks) is not the owner's: `decoyFloor` then
 * gives the first event it may read (the one after the duress alarm), earlier ones answer as dropped, and its
 * acknowledgements are kept apart from the owner's (EventLog.ackDecoy: they free the ring from the alarm on, the
 * alarm being kept where the ring cannot overwrite it); the kept alarm is never in its answers.
 */
import type { EventLog } from '../../guard/event-log.js';
import { EVENT_SLOTS } from '../../guard/event-log.js';
import { fail, ok, onlyParams, type RpcServer } from '../rpc.js';

export function registerEventMethods(rpc: RpcServer, events: EventLog, subscribe: () => void, decoyFloor: () => number | undefined = () => undefined): void {
  rpc.register('events_since', {
    anytime: true,
    run: (params) => {
      const bad = onlyParams(params, ['since', 'limit']);
      if (bad) return bad;
      const since = params.since ?? 1;
      const limit = params.limit ?? EVENT_SLOTS;
      if (typeof since !== 'number' || !Number.isSafeInteger(since) || since < 1) return fail('bad-params', '"since" is a sequence number from 1');
      if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > EVENT_SLOTS) return fail('bad-params', `"limit" is 1 to ${EVENT_SLOTS}`);
      const floor = decoyFloor();
      if (floor === undefined) return ok(events.since(since, limit));
      const answer = events.since(Math.max(since, floor), limit);
      const { alarm: _owners, ...theirs } = answer; // the kept alarm is the owner's
      return ok({ ...theirs, dropped: Math.max(answer.dropped, floor - 1), acked: events.decoyAcked });
    },
  });
  rpc.register('events_ack', {
    anytime: true,
    run: (params) => {
      const bad = onlyParams(params, ['seq']);
      if (bad) return bad;
      const seq = params.seq;
      if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0 || seq > events.head.seq) return fail('bad-params', `"seq" is a sequence number the app has read, 0 to ${events.head.seq}`);
      const floor = decoyFloor();
      if (floor !== undefined) return ok({ acked: events.ackDecoy(seq, floor - 1) });
      return ok({ acked: events.ack(seq) });
    },
  });
  rpc.register('events_subscribe', {
    anytime: true,
    run: (params) => {
      const bad = onlyParams(params, []);
      if (bad) return bad;
      subscribe();
      const answer = events.since(events.head.seq + 1, 1);
      return ok({ head: answer.head, key: answer.key });
    },
  });
}
