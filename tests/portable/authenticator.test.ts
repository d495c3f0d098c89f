// The device as an authenticator for other services (both engines): Jade's otpauth cases and the RFC 4226/6238
// vectors through the account store; an account added from the app only with the owner's held C, its code on the
// LCD at the app's time, counter codes that never repeat across reboots and power cuts; and the attacker with
// the phone, who can add nothing alone and read neither a code nor a secret.
import test, { type ExecutionContext } from 'ava';
import { base32nopad } from '@scure/base';
import { AuthenticatorAccounts, AUTHENTICATOR_SLOTS } from '../../modules/authenticator/accounts.js';
import { encodeCbor as encode } from '../../modules/protocol/cbor.js';
import { HealthTestedEntropy } from '../../modules/entropy/health.js';
import { RecordLog } from '../../modules/storage/record-log.js';
import { Vault } from '../../modules/vault/vault.js';
import { softwareChipKey } from '../../modules/vault/chip-keys.js';
import { RecordKey } from '../../modules/vault/records.js';
import { fromHex } from '../../modules/bytes.js';
import { parseOtpauth as parseUri, totp } from '../../modules/guard/otp.js';
import { decodeEvent } from '../../modules/guard/event-format.js';
import { NorFlash, seededRandom } from '../../hosts/sim/nor-flash.js';
import { runAuthenticatorCampaign } from '../faults/authenticator-campaign.js';
import { AppPeer } from './support/app-peer.js';
import { menuItem, walletWithApp, type DeviceRig } from './support/device-rig.js';
import { contains } from './support/vault-rig.js';
import jade from '../../../shared/vectors/otp/jade-otp.json' with { type: 'json' };
import rfc4226 from '../../../shared/vectors/otp/rfc4226-hotp.json' with { type: 'json' };
import rfc6238 from '../../../shared/vectors/otp/rfc6238-totp.json' with { type: 'json' };

const SEED = Uint8Array.from({ length: 16 }, (_, i) => i * 9 + 1);

/** A store on a vault over NOR flash, as the device keeps it (the seed stands in for an unlocked wallet). */
function storeOn(flash: NorFlash, random = seededRandom(5)) {
  const entropy = new HealthTestedEntropy({ fill(t) { for (let i = 0; i < t.length; i++) t[i] = Math.floor(random() * 256); return t.length; } });
  const vault = new Vault(new RecordLog(flash), entropy, { now: () => 0 }, softwareChipKey(new Uint8Array(32).fill(0x5a)), { pinIterations: 1 });
  vault.open();
  vault.ensureIdentity();
  return new AuthenticatorAccounts(vault.records, () => SEED.slice(), (n) => entropy.bytes(n));
}

const uriFor = (hex: string, algorithm: string, extra: string) => `otpauth://${extra.startsWith('&counter') ? 'hotp' : 'totp'}/Test:rfc?secret=${base32nopad.encode(fromHex(hex))}&issuer=Test&algorithm=${algorithm}&digits=8${extra}`;

test("Jade's otpauth cases and the RFC 4226/6238 vectors: every code the store gives is the expected one", (t) => {
  const store = storeOn(new NorFlash({ size: 65536, sectorSize: 4096, random: () => 0.5 }));
  let checked = 0;
  for (const uri of [...new Set(jade.cases.map((c) => c.uri))]) {
    const cases = jade.cases.filter((c) => c.uri === uri);
    const added = store.add(parseUri(uri));
    for (const c of cases.filter((k) => k.value_kind === 'unix_time')) {
      t.is(store.totp(added.slot, c.value).code, c.expected, `${uri} at ${c.value}`);
      checked++;
    }
    // counter cases run in order from the URI's counter: each code is the next
    for (const c of cases.filter((k) => k.value_kind === 'counter').sort((a, b) => a.value - b.value)) {
      t.deepEqual(store.nextHotp(added.slot), { code: c.expected, counter: BigInt(c.value) });
      checked++;
    }
    store.remove(added.slot);
  }
  const hotp = store.add(parseUri(uriFor(rfc4226.secret_hex, 'SHA1', '&counter=0').replace('digits=8', 'digits=6')));
  for (const c of rfc4226.cases) { t.is(store.nextHotp(hotp.slot).code, c.hotp_6_digits); checked++; }
  store.remove(hotp.slot);
  for (const mode of ['SHA1', 'SHA256', 'SHA512'] as const) {
    const a = store.add(parseUri(uriFor((rfc6238.keys as Record<string, { hex: string }>)[mode].hex, mode, '')));
    for (const c of rfc6238.cases.filter((k) => k.mode === mode)) { t.is(store.totp(a.slot, c.time_unix).code, c.totp_8_digits, `${mode} at ${c.time_unix}`); checked++; }
    store.remove(a.slot);
  }
  t.true(checked >= 39 + 10 + 18, `${checked} codes`);
});

test('accounts are sealed (no secret in flash), need the seed, are named once, hold at most 16, and survive a reboot', (t) => {
  const flash = new NorFlash({ size: 65536, sectorSize: 4096, random: () => 0.5 });
  const store = storeOn(flash);
  const secret = base32nopad.encode(new Uint8Array(20).fill(0x7b));
  const a = store.add(parseUri(`otpauth://totp/Exchange:alice?secret=${secret}&issuer=Exchange`));
  t.is(a.name, 'Exchange: alice');
  t.false(contains(flash.bytes, new Uint8Array(20).fill(0x7b)), 'the secret is not in flash in the clear');
  t.false(contains(flash.bytes, new TextEncoder().encode('Exchange')), 'nor is the account name');
  t.regex(store.refusal(parseUri(`otpauth://totp/Exchange:alice?secret=${secret}&issuer=Exchange`))!, /already on the device/);
  t.regex(store.refusal(parseUri(`otpauth://totp/Caf%C3%A9?secret=${secret}`))!, /printable ASCII/);
  t.regex(store.refusal(parseUri(`otpauth://totp/${'x'.repeat(65)}?secret=${secret}`))!, /longer than 64/);
  for (let i = 1; i < AUTHENTICATOR_SLOTS; i++) store.add(parseUri(`otpauth://totp/site${i}?secret=${secret}`));
  t.regex(store.refusal(parseUri(`otpauth://totp/one-more?secret=${secret}`))!, /holds 16 accounts already/);
  t.throws(() => store.add(parseUri(`otpauth://totp/one-more?secret=${secret}`)), { message: /holds 16/ });
  // another seed (another wallet restored on this chip) opens none of them: they list as damaged
  const rebooted = storeOn(flash);
  t.is(rebooted.list().length, AUTHENTICATOR_SLOTS);
  t.is(rebooted.list()[0].name, 'Exchange: alice');
  const other = new AuthenticatorAccounts(
    (rebooted as unknown as { records: Vault['records'] }).records, () => new Uint8Array(16).fill(1), () => new Uint8Array(12));
  t.true(other.list().every((x) => x.name === '(damaged account)'));
  t.throws(() => other.totp(0, 1_800_000_000), { message: /does not open/ });
  t.is(rebooted.remove(0), 'Exchange: alice');
  t.is(rebooted.list().length, AUTHENTICATOR_SLOTS - 1);
});

test('a power cut at every flash operation of adding, counter codes and removing: every account opens, no counter goes back', (t) => {
  const r = runAuthenticatorCampaign({ seed: 4, minCuts: 150 });
  t.deepEqual(r.problems.slice(0, 10), []);
  t.true(r.cuts >= 150, `${r.cuts} cuts`);
  t.true((r.byKind.code ?? 0) > 20 && (r.byKind.add ?? 0) > 20 && (r.byKind.remove ?? 0) > 5, JSON.stringify(r.byKind));
  t.log(`${r.cuts} power cuts in authenticator operations ${JSON.stringify(r.byKind)}: 0 problems`);
});

// --- through the device and the app ---

const T = 2_000_000_000; // in the range the device takes from apps (2020-2200); Jade has cases at it

function ready() {
  return walletWithApp('authenticator-app', 'Alice phone', T);
}


const SHA1_TOTP = jade.cases.find((c) => c.value === T && c.expected === '69279037')!;
const HOTP = jade.cases.filter((c) => c.value_kind === 'counter');

/** The reply is the error `code`, and its message says `says`. */
function errorIs(t: ExecutionContext, reply: any, code: string, says: RegExp): void {
  t.is(reply?.error?.code, code, JSON.stringify(reply));
  t.regex(reply?.error?.message ?? '', says);
}

const BANK_HOTP = `otpauth://hotp/Bank:alice?secret=${rfc4226.secret_base32}&issuer=Bank&counter=0`;
const codeOnScreen = (rig: DeviceRig) => rig.d.screen.lines.find((l) => /^\d{3,4} \d{3,4}$/.test(l))?.replace(' ', '');
const eventKinds = (rig: DeviceRig) => rig.d.events.since(1).events.map((e) => decodeEvent(e));

/** Menu > Authenticator, down to account `index`, Show. */
function showAccount(rig: DeviceRig, index: number): void {
  menuItem(rig, 'Authenticator');
  for (let i = 0; i < index; i++) rig.press('c');
  rig.press('b');
}

test('added from the app with the owner holding C; the code on the LCD is the vector at the app time; counter codes go on after a reboot; removing is a held decision', (t) => {
  const { rig, app } = ready();
  const notices = app.ask('authenticator_add', { uri: SHA1_TOTP.uri }) as any[];
  t.true(notices.some((n) => n.notify === 'confirm-on-device'));
  t.is(rig.d.screen.id, 'authenticator-add');
  t.regex(rig.text(), /app named "Alice phone" asks to add: "ACME Co: john\.doe@email\.com" Time-based, 8 digits, every 30 s, SHA1/);
  rig.press('c', true); // at once: a press meant for the screen before does not count
  t.is(rig.d.screen.id, 'authenticator-add');
  rig.decide('c');
  t.like(app.answer().result, { added: true, name: 'ACME Co: john.doe@email.com', kind: 'totp' });
  errorIs(t, app.call('authenticator_add', { uri: HOTP[0].uri }), 'bad-params', /already on the device/);
  app.ask('authenticator_add', { uri: BANK_HOTP });
  rig.decide('c');
  t.like(app.answer().result, { added: true, name: 'Bank: alice', kind: 'hotp' });
  t.deepEqual(app.call('authenticator_list').result, { accounts: [{ name: 'ACME Co: john.doe@email.com', kind: 'totp' }, { name: 'Bank: alice', kind: 'hotp' }] });

  showAccount(rig, 0);
  t.is(rig.d.screen.id, 'authenticator-code');
  t.is(codeOnScreen(rig), SHA1_TOTP.expected, rig.text());
  t.regex(rig.text(), /Valid \d+ s more, by the app's clock/);
  // the step turns with device time (the app's time plus the device clock since it was told)
  rig.b.advance(30_000);
  rig.b.tick();
  t.is(codeOnScreen(rig), totp(parseUri(SHA1_TOTP.uri).secret, T + 30, 8), 'the next step (T is 20 s into its step)');

  rig.press('a');
  rig.press('c');
  rig.press('b');
  t.is(codeOnScreen(rig), rfc4226.cases[0].hotp_6_digits);
  rig.press('b');
  t.is(codeOnScreen(rig), rfc4226.cases[1].hotp_6_digits);
  t.regex(rig.text(), /Code #1/);

  rig.reboot();
  rig.unlock();
  showAccount(rig, 1);
  t.is(codeOnScreen(rig), rfc4226.cases[2].hotp_6_digits, 'after a reboot the counter goes on');
  // the time-based one, before any app has told the time since boot: said, not guessed
  rig.press('a');
  rig.press('b');
  t.regex(rig.text(), /no clock of the world/);
  t.is(codeOnScreen(rig), undefined);
  // hold C asks; the removal is a held decision of its own (a press at once does nothing)
  rig.press('c', true);
  t.is(rig.d.screen.id, 'authenticator-remove');
  rig.press('c', true);
  t.is(rig.d.screen.id, 'authenticator-remove');
  rig.decide('c');
  t.is(rig.d.screen.id, 'authenticator-removed');
  rig.press('b');
  t.deepEqual(eventKinds(rig).filter((e) => e.kind.startsWith('authenticator')).map((e) => [e.kind, e.details.name]), [
    ['authenticator-added', 'ACME Co: john.doe@email.com'], ['authenticator-added', 'Bank: alice'], ['authenticator-removed', 'ACME Co: john.doe@email.com'],
  ]);
  t.is(rig.d.screen.id, 'authenticator');
  t.regex(rig.text(), /Authenticator \(1\)/);
});

test('the attacker with the phone: nothing is added without the owner, no code or secret crosses the link, bad requests are refused in words', (t) => {
  const { rig, app } = ready();
  const heard: unknown[] = [];
  const call = (method: string, params?: Record<string, unknown>) => { const r = app.call(method, params); heard.push(r); return r; };

  // refused on the device, and left without an answer when the app goes away
  heard.push(...app.ask('authenticator_add', { uri: SHA1_TOTP.uri }));
  rig.decide('a', false);
  const refused = app.answer();
  heard.push(refused);
  t.like(refused.error, { code: 'refused' });
  t.deepEqual(call('authenticator_list').result, { accounts: [] });
  // hostile and broken URIs
  for (const suffix of jade.bad_uris.hotp_bad_suffixes) errorIs(t, call('authenticator_add', { uri: jade.bad_uris.hotp_base + suffix }), 'bad-params', /not a usable otpauth URI/);
  for (const suffix of jade.bad_uris.totp_bad_suffixes) errorIs(t, call('authenticator_add', { uri: jade.bad_uris.totp_base + suffix }), 'bad-params', /not a usable otpauth URI/);
  errorIs(t, call('authenticator_add', { uri: `otpauth://totp/x?secret=${'A'.repeat(600)}` }), 'bad-params', /at most 512/);
  t.like(call('authenticator_add', { uri: 42 }).error, { code: 'bad-params' });
  t.like(call('authenticator_add', { uri: SHA1_TOTP.uri, code: '123456' }).error, { code: 'bad-params' });
  t.like(call('authenticator_code', { name: 'ACME Co: john.doe@email.com' }).error, { code: 'unknown-method' });
  t.is(rig.d.screen.id, 'unlocked', 'nothing reached the screen');

  // added properly, then every way of asking for its code fails and nothing the app heard holds it
  heard.push(...app.ask('authenticator_add', { uri: SHA1_TOTP.uri }));
  rig.decide('c');
  heard.push(app.answer());
  for (const method of ['authenticator_list', 'info', 'policy_get', 'events_since']) heard.push(call(method, method === 'events_since' ? { since: 1 } : undefined));
  const secret = parseUri(SHA1_TOTP.uri).secret;
  const everything = JSON.stringify(heard, (_, v) => (v instanceof Uint8Array ? Array.from(v).join(',') : typeof v === 'bigint' ? v.toString() : v));
  for (let step = -2; step <= 2; step++) t.false(everything.includes(totp(secret, T + step * 30, 8)), 'a code crossed the link');
  t.false(everything.includes(SHA1_TOTP.uri.split('secret=')[1].split('&')[0]), 'the secret crossed the link');
  t.false(everything.includes(Array.from(secret).join(',')), 'the secret bytes crossed the link');

  // locked or frozen: nothing is added or listed
  menuItem(rig, 'Lock');
  t.like(call('authenticator_add', { uri: BANK_HOTP }).error, { code: 'locked' });
  t.like(call('authenticator_list').error, { code: 'locked' });
  rig.unlock();
  call('freeze');
  t.like(call('authenticator_add', { uri: BANK_HOTP }).error, { code: 'frozen' });

  // a factory reset erases them with everything else
  t.truthy(rig.d.vault.records.get(RecordKey.authenticatorFirst));
  rig.d.vault.wipe();
  rig.reboot();
  t.is(rig.d.vault.records.get(RecordKey.authenticatorFirst), undefined);
});

test('an add waiting for the owner is dropped when the app goes away; the screen gives way and nothing is stored', (t) => {
  const { rig, app } = ready();
  app.ask('authenticator_add', { uri: SHA1_TOTP.uri });
  t.is(rig.d.screen.id, 'authenticator-add');
  app.disconnect();
  t.not(rig.d.screen.id, 'authenticator-add');
  t.is(rig.d.vault.records.get(RecordKey.authenticatorFirst), undefined);
  app.connect();
  app.openSession();
  t.deepEqual(app.call('authenticator_list').result, { accounts: [] });
});

test('an account whose record does not open is listed as damaged and can only be removed; the others still work', (t) => {
  const { rig, app } = ready();
  app.ask('authenticator_add', { uri: BANK_HOTP });
  rig.decide('c');
  t.like(app.answer().result, { added: true });
  rig.d.vault.records.setSealed(RecordKey.authenticatorFirst + 3, new Uint8Array(60).fill(7), 'a record from nowhere');
  t.deepEqual(app.call('authenticator_list').result, { accounts: [{ name: 'Bank: alice', kind: 'hotp' }, { name: '(damaged account)', kind: 'totp' }] });
  showAccount(rig, 1);
  t.is(rig.d.screen.id, 'authenticator-remove');
  rig.decide('c');
  t.is(rig.d.screen.id, 'authenticator-removed');
  rig.press('b');
  t.regex(rig.text(), /Authenticator \(1\)/);
  rig.press('b');
  t.is(codeOnScreen(rig), rfc4226.cases[0].hotp_6_digits);
});
