/**
 * `latch events [--since N] [--follow] [--json]`: what the device did, checked. Every reply is verified against
 * the key and the last head this app saw (hosts/client/events.ts); a log that does not check out is said plainly
 * and the command fails (exit 1), with the events shown for what they are worth.
 */
import { toHex } from '../../../modules/bytes.js';
import type { LatchEvent } from '../../../modules/guard/event-format.js';
import { eventDetailWords } from '../../../modules/guard/event-words.js';
import { EventsApp, EventLogError, fileEventsStore } from '../events.js';
import type { CommandContext } from './context.js';

export const EVENTS_USAGE = `  events [--since N] [--follow]                 the device's event log, checked (hash chain, signed head, nothing
                                                removed since the last look); --follow prints new events live`;

/** One line per event; amounts in their units (ETH, BTC, tokens), as the device's History shows them. */
export function eventLine(e: LatchEvent): string {
  const details = eventDetailWords(e.details).map(([k, v]) => `${k}=${v}`).join(' ');
  const line = `#${e.seq}  ${(e.at / 1000).toFixed(0).padStart(8)} s  ${e.kind}${details ? `  ${details}` : ''}`;
  return e.kind === 'duress-pin-entered' ? `${line}  ${DURESS_ALARM}` : line;
}

/** What the owner's app says when the duress PIN was entered (issue 23): the alarm, and what to do. */
export const DURESS_ALARM = 'ALARM: the duress PIN was entered on the device: someone may have forced its owner to unlock it. '
  + 'The wallet is frozen; it unfreezes only on the device with the PIN and a verification code.';

function eventJson(e: LatchEvent): unknown {
  return JSON.parse(JSON.stringify(e, (_, v) => (v instanceof Uint8Array ? toHex(v) : typeof v === 'bigint' ? v.toString() : v)));
}

export async function eventsCommand(c: CommandContext): Promise<number> {
  if (c.args.length) throw c.usage(`"latch events" takes no arguments (got "${c.args.join(' ')}")`);
  const since = c.values.since === undefined ? 1 : Number(c.values.since);
  if (!Number.isSafeInteger(since) || since < 1) throw c.usage('--since is an event number from 1');
  const app = new EventsApp(c.session, c.deviceId, fileEventsStore(c.home, c.deviceId));
  const report = await app.sync(since);
  const lines = report.events.map(eventLine);
  if (report.dropped > 0 && since <= report.dropped) lines.unshift(`(events 1 to ${report.dropped} are no longer kept on the device: it keeps the newest 64)`);
  if (report.unseenOverwritten > 0) lines.push(`warning: ${report.unseenOverwritten} events were overwritten on the device before this app saw them`);
  const d = report.duress;
  if (d && d.securityUnseen > 0) lines.push(`warning: since the duress alarm (#${d.alarm}), ${d.securityUnseen} security events (${d.signedUnseen} signatures, from the decoy or before it) were overwritten on the device before this app saw them; the device kept the alarm and this count, signed`);
  const alarms = report.events.filter((e) => e.kind === 'duress-pin-entered').map((e) => e.seq);
  if (alarms.length) lines.unshift(`${DURESS_ALARM} (event${alarms.length > 1 ? 's' : ''} #${alarms.join(', #')})`);
  if (!report.ok) lines.push(`THE LOG DOES NOT CHECK OUT: ${report.problems.join('; ')}`);
  else lines.push(report.events.length ? `verified: the chain holds to event ${report.head.seq}, signed by the device` : `no events from ${since}; verified to event ${report.head.seq}`);
  c.out(lines.join('\n'), { ok: report.ok, alarms, problems: report.problems, events: report.events.map(eventJson), head: report.head.seq, dropped: report.dropped, unseenOverwritten: report.unseenOverwritten, ...(d ? { duress: d } : {}) });
  if (!report.ok) return 1;
  if (!c.values.follow) return 0;
  process.stderr.write('Following new events (Ctrl-C stops).\n');
  // The device drops a link after 30 s without a message: a ping every 10 s keeps this one.
  const keepAlive = setInterval(() => void c.session.call('ping').catch(() => undefined), 10_000);
  return new Promise<number>((resolve) => {
    app.follow((event, problems) => {
      if (event) c.out(eventLine(event), { event: eventJson(event), ok: problems.length === 0, problems });
      if (problems.length) {
        process.stderr.write(`latch: THE LOG DOES NOT CHECK OUT: ${problems.join('; ')}\n`);
        resolve(1);
      }
    }).catch((err) => {
      process.stderr.write(`latch: ${err instanceof EventLogError ? err.message : (err as Error).message}\n`);
      resolve(1);
    });
    void c.session.watch().then((why) => {
      process.stderr.write(`latch: the link closed (${why})\n`);
      resolve(1);
    });
  }).finally(() => clearInterval(keepAlive));
}
