/**
 * The composition root shared by every host: `main.ts` builds it from Moddable drivers, `hosts/sim` from the
 * board simulator's peripherals. It owns the device state and decides what the LCD shows (through the
 * Navigator, which keeps the screen the user's: app/navigator.ts).
 */
import type { ButtonEvent, Ports } from './ports.js';
import { HealthTestedEntropy, EntropyHealthError } from './entropy/health.js';
import { LatchError } from './errors.js';
import { wipe } from './bytes.js';
import { RecordLog } from './storage/record-log.js';
import { COUNTER_LOW, Vault, type VaultOptions } from './vault/vault.js';
import { renderPage } from './ui/render.js';
import { layoutScreen, pageButtons } from './ui/layout.js';
import { describe, line, type Screen, type ScreenDescription } from './ui/screen.js';
import { isKnownScreen } from './ui/screen-ids.js';
import { aboutScreen, rngFaultScreen, storageFaultScreen } from './ui/screens.js';
import { message, type Activity, type AppContext } from './app/activity.js';
import { Navigator, type ScreenView } from './app/navigator.js';
import { blankHome, counterSpentHome, lockedHome, storageHome, unlockedHome } from './app/home.js';
import { bound } from './app/binding.js';
import { linkScreens, resetRequests } from './app/link-screens.js';
import { LinkHandler } from './protocol/link-handler.js';
import { rollbackCounterInfo } from './protocol/methods/core.js';
import type { Approvals } from './signing/approval.js';
import { installSigning } from './signing/install.js';
import { honestSigner, type AntiExfilSigner } from './signing/anti-exfil.js';
import { honestSchnorrSigner } from './signing/anti-exfil-schnorr.js';
import type { BtcMethodsLoader } from './protocol/methods/btc.js';
import { Keyring } from './wallet/keyring.js';
import { Guard, type GuardNotice } from './guard/guard.js';
import { EventLog, type EventKind } from './guard/event-log.js';
import { installGuard } from './guard/install.js';
import { installAuthenticator } from './authenticator/install.js';
import { BackupCodeStore } from './binding/backup-code.js';
import { configureCurves } from './crypto/curves.js';
import { PassphraseWallet } from './wallet/passphrase-wallet.js';
import { installWallet } from './wallet/install.js';
import { listenToVault } from './vault-listeners.js';

export const FIRMWARE_VERSION = '0.3.0';
/** Version of the link protocol, readable from the INFO characteristic. */
export const PROTOCOL_VERSION = 1;

/**
 * Design section 4; `fault` means a hardware check failed; `foreign`/`old-format`: the vault is not this chip's;
 * `tampered`: the flash was edited behind the firmware's back (vault/head.ts).
 */
export type DeviceState = 'blank' | 'bound' | 'locked' | 'unlocked' | 'fault' | 'foreign' | 'old-format' | 'tampered';

export interface DeviceOptions {
  /** shown on the About screen, e.g. "esp32" or "node-sim (xs)" */
  platform: string;
  vault?: VaultOptions;
  /** tests only: BIP 340 auxiliary randomness of 32 zero bytes, so taproot signatures can be compared byte for byte */
  deterministicSchnorrForTests?: boolean;
  /** tests only: a hostile anti-exfil signer (one that chooses its own nonces), to check that apps catch it */
  antiExfilSignerForTests?: AntiExfilSigner;
  /**
   * How the btc_* methods' code arrives. Default: a dynamic import on the first Bitcoin request, so boot does not
   * load @scure/btc-signer (protocol/methods/btc.ts). Tests pass `btcMethods` to answer at once.
   */
  bitcoin?: BtcMethodsLoader;
}

interface LinkStatus {
  connected: boolean;
  mtu: number;
  packetsIn: number;
}

export interface DeviceScreen extends ScreenDescription {
  /** ms until a freshly shown security decision takes presses (tests and QA benches wait this long) */
  armsInMs: number;
  /** a link request waiting for the owner to finish, if any */
  waiting: string | null;
  /** screens since boot that could not be drawn in full (always empty, or a bug: see ui/layout.ts) */
  problems: string[];
}

/** at most this many screen problems are kept (the first ones say what went wrong) */
const MAX_SCREEN_PROBLEMS = 20;

/** The guard's notices to the app, as event kinds. */
const GUARD_EVENTS: Record<GuardNotice, EventKind> = {
  'policy-changed': 'policy-changed', 'change-pending': 'change-pending', 'change-cancelled': 'change-cancelled', 'change-applied': 'change-applied',
  'frozen': 'frozen', 'unfrozen': 'unfrozen',
};

export class Device {
  readonly entropy: HealthTestedEntropy;
  readonly vault: Vault;
  /** the HD keys, only while unlocked */
  readonly keyring: Keyring;
  /** the spending policy, verification codes and the emergency stop */
  readonly guard: Guard;
  /** what the device did, hash-chained and signed, for the bound app and the History screen */
  readonly events: EventLog;
  /** the one-time backup code: made in the menu, used by binding, voided at every boot */
  readonly backupCodes: BackupCodeStore;
  /** the wallet in use: standard, or behind a BIP39 passphrase */
  readonly wallet: PassphraseWallet;
  private readonly nav: Navigator;
  private readonly approvals: Approvals;
  /**
   * What makes anti-exfil signatures (signing/anti-exfil.ts). Tests replace it with a hostile double (also inside
   * the XS simulator, through its evaluate hook) to check that apps catch firmware choosing its own nonces.
   */
  antiExfilSigner: AntiExfilSigner;
  private fault: Screen | undefined;
  private readonly link: LinkStatus = { connected: false, mtu: 23, packetsIn: 0 };
  private booted = false;
  private lastInteraction = 0;
  private readonly ctx: AppContext;
  private readonly linkHandler: LinkHandler;
  private readonly screenProblems: string[] = [];

  constructor(private readonly ports: Ports, private readonly options: DeviceOptions) {
    configureCurves();
    this.entropy = new HealthTestedEntropy(ports.entropy);
    this.vault = new Vault(new RecordLog(ports.flash), this.entropy, ports.clock, ports.chipKey, { hash: ports.hash, counter: ports.counter, ...options.vault });
    this.events = new EventLog(this.vault.records, this.vault.clock, {
      deviceId: () => this.vault.deviceIdBytesNow(),
      signingSeed: () => this.vault.eventSigningSeed(),
    }, (bytes, head) => {
      if (this.linkHandler?.eventsSubscribed) this.linkHandler.notify('event', { event: bytes, head: head() });
    });
    this.guard = new Guard(this.vault.records, this.vault.clock, (notice, data) => {
      this.linkHandler.notify(notice, data);
      this.events.record(GUARD_EVENTS[notice], data);
    }, (kind, details) => this.events.record(kind, details), {
      bindApp: (app, how) => this.bindWaitedApp(app, how),
    });
    this.backupCodes = new BackupCodeStore(this.vault.records, this.vault.clock, this.entropy);
    this.keyring = new Keyring(() => this.vault.seedEntropy(), ports.hash);
    this.wallet = new PassphraseWallet(this.vault, this.keyring, this.events, ports.log,
      () => (this.approvals?.busy || this.nav.waiting ? 'an app\'s request waits for you, made for the wallet in use: answer it first' : undefined));
    this.guard.activeWallet = () => this.wallet.fingerprint; // a wallet's own spending rules bind what it signs
    this.ctx = {
      vault: this.vault,
      guard: this.guard,
      events: this.events,
      backupCodes: this.backupCodes,
      wallet: this.wallet,
      entropy: this.entropy,
      log: ports.log,
      now: () => ports.clock.now(),
      go: (next) => this.go(next),
      refresh: () => this.draw(),
      home: () => this.go(this.homeActivity()),
      about: (back) => this.go(this.aboutActivity(back)),
      forgetBonds: () => {
        this.linkHandler.reset();
        ports.link.forgetBonds?.();
      },
      locked: () => {
        this.approvals.cancel('locked');
        this.linkHandler.deviceLocked();
      },
      frozen: () => this.onFrozen(),
    };
    // the keys at unlock and lock, the event log across a wipe, the duress freeze and alarm (vault-listeners.ts)
    listenToVault({
      vault: this.vault, keyring: this.keyring, wallet: this.wallet, guard: this.guard, events: this.events,
      endAppSession: () => this.linkHandler.reset(),
      keysGone: () => { if (this.approvals) this.ctx.locked(); },
    });
    this.nav = new Navigator(blankHome(this.ctx), () => ports.clock.now(), ports.log, (view) => this.render(view), (screen) => layoutScreen(screen, ports.canvas));
    this.linkHandler = new LinkHandler(this.vault, this.entropy, ports.link, ports.clock, ports.log, linkScreens(this.ctx, this.nav, () => this.publishInfo()), {
      info: () => ({ firmware: FIRMWARE_VERSION, protocol: PROTOCOL_VERSION, deviceId: this.vault.deviceId ?? '', state: this.state, platform: this.options.platform, rollbackCounter: rollbackCounterInfo(this.vault.counterRemaining, COUNTER_LOW), ...this.activeWallet() }),
      ...resetRequests(this.ctx, this.nav, (name, data) => this.linkHandler.notify(name, data)),
    }, () => this.unavailable(), (err) => this.showError(err));
    this.antiExfilSigner = options.antiExfilSignerForTests ?? { ...honestSigner, schnorr: honestSchnorrSigner };
    const device = this; // the signer in force when a taproot input is signed (tests swap it), read by the getter below
    this.approvals = installSigning({
      ctx: this.ctx, nav: this.nav, log: ports.log, vault: this.vault, keyring: this.keyring, entropy: this.entropy,
      rpc: this.linkHandler.rpc, notify: (name, data) => this.linkHandler.notify(name, data),
      deterministicSchnorrForTests: options.deterministicSchnorrForTests, bitcoin: options.bitcoin,
      antiExfilSigner: {
        commit: (...a) => this.antiExfilSigner.commit(...a),
        sign: (...a) => this.antiExfilSigner.sign(...a),
        get schnorr() { return device.antiExfilSigner.schnorr; },
      },
    });
    installGuard(this.ctx, this.nav, this.linkHandler.rpc, (name, data) => this.linkHandler.notify(name, data), () => this.linkHandler.subscribeEvents());
    installAuthenticator(this.ctx, this.nav, this.linkHandler.rpc, (name, data) => this.linkHandler.notify(name, data));
    installWallet(this.ctx, this.nav, this.linkHandler.rpc, (name, data) => this.linkHandler.notify(name, data));
  }

  /** get_info's fingerprint of the wallet in use, while unlocked (the keys are made now if they were not yet). */
  private activeWallet(): { fingerprint?: string } {
    if (!this.vault.isUnlocked) return {};
    try {
      return { fingerprint: this.wallet.fingerprint };
    } catch (err) {
      if (!(err instanceof LatchError)) throw err;
      return {};
    }
  }

  get state(): DeviceState {
    if (this.fault) return 'fault';
    if (this.vault.storage !== 'ok') return this.vault.storage;
    if (!this.vault.hasWallet) return this.vault.appBinding() ? 'bound' : 'blank';
    return this.vault.isUnlocked ? 'unlocked' : 'locked';
  }

  /** The screen as drawn: the page shown, every page's rows, and the labels of the page shown. */
  get screen(): DeviceScreen {
    const v = this.view();
    return { ...describe(v.screen, v.layout, v.page, v.buttons), armsInMs: this.fault ? 0 : this.nav.armsInMs, waiting: this.fault ? null : this.nav.waiting ?? null, problems: this.screenProblems.slice() };
  }

  /** The current screen laid out, with the page shown (the screen catalogue draws every page from it). */
  view(): ScreenView {
    if (!this.fault) return this.nav.view();
    const layout = layoutScreen(this.fault, this.ports.canvas);
    return { screen: this.fault, layout, page: 0, buttons: pageButtons(this.fault.buttons, 0, 1) };
  }

  boot(): void {
    if (this.booted) throw new Error('device already booted');
    this.booted = true;
    const { buttons, link, clock, log } = this.ports;
    log.log(`latch ${FIRMWARE_VERSION} booting on ${this.options.platform}`);
    buttons.listen((e) => this.press(e));
    link.listen({
      connected: (mtu) => { this.link.connected = true; this.link.mtu = mtu; this.linkHandler.onConnected(mtu); log.log(`link connected, mtu ${mtu}`); this.refreshAbout(); },
      disconnected: () => { this.link.connected = false; this.linkHandler.onDisconnected(); log.log('link disconnected'); this.refreshAbout(); },
      mtuChanged: (mtu) => { this.link.mtu = mtu; this.linkHandler.onMtu(mtu); this.refreshAbout(); },
      offered: (presumed) => {
        if (!this.linkHandler.offered(presumed)) return false;
        if (this.link.connected) { this.link.connected = false; log.log('link disconnected (gave its place to another central)'); }
        return true;
      },
      received: (packet) => this.onPacket(packet),
    });
    clock.tick(100, () => this.tick());
    try {
      this.entropy.startup();
    } catch (err) {
      if (!(err instanceof EntropyHealthError)) throw err;
      log.log(`RNG start-up test failed: ${err.message}`);
      return this.showFault(rngFaultScreen(err.message));
    }
    let report;
    try {
      this.provisionChipKey();
      report = this.vault.open();
    } catch (err) {
      if (!(err instanceof LatchError)) throw err;
      log.log(`storage failed to open: ${err.message}`);
      return this.showFault(storageFaultScreen(err.message));
    }
    log.log(`vault: ${report.mount.liveRecords} records, ${report.mount.tornRecords} torn, storage ${report.storage}, state ${this.state}`);
    if (report.tampered) log.log(`STORAGE TAMPERED: ${report.tampered}`);
    this.publishInfo();
    if (report.wiped) {
      this.ports.link.forgetBonds?.();
      const why = report.wiped === 'too-many-pins'
        ? 'The PIN failure limit was reached: the device erased itself.'
        : 'A factory reset was interrupted by power loss; it has now finished.';
      return this.go(message(this.ctx, 'wiped', 'Device erased', [line(why)], () => this.ctx.home()));
    }
    if (report.storage !== 'ok') return this.ctx.home();
    this.voidBackupCode();
    if (report.droppedIncompleteSetup) {
      return this.go(message(this.ctx, 'wallet-dropped', 'Wallet discarded', [
        line('The wallet on this device was incomplete (setup was interrupted) or its storage was damaged.'),
        line('It has been discarded. If you wrote down recovery words, restore them with Set up.'),
      ], () => this.ctx.home()));
    }
    this.ctx.home();
  }

  /** A backup code never outlives a reboot. A failure to delete it leaves it unusable anyway: the record's
   * expiry is 2 h of device time, and the state check happens before every use. */
  private voidBackupCode(): void {
    try {
      if (this.backupCodes.voidAtBoot()) this.ports.log.log('backup code voided by the reboot');
    } catch (err) {
      if (!(err instanceof LatchError)) throw err;
      this.ports.log.log(`backup code not voided: ${err.message}`);
    }
  }

  /** Show the home screen for the current state (after a host changed the vault: the simulator's debug link). */
  returnHome(): void {
    this.ctx.home();
    this.publishInfo();
  }

  /** A button press from the Buttons port. Buttons without a label on the current screen do nothing. */
  press(e: ButtonEvent): void {
    if (this.fault) return;
    this.lastInteraction = this.ports.clock.now();
    const id = this.nav.current.screen().id;
    try {
      // not on the passphrase wheel: the presses there would spell the passphrase in the log (app/passphrase-entry.ts)
      if (this.nav.press(e) && id !== 'passphrase-entry') this.ports.log.log(`button ${e.button}${e.long ? ' (long)' : ''} on ${id}`);
    } catch (err) {
      if (!(err instanceof LatchError)) throw err;
      // A storage or health failure in the middle of a flow: say so, lose nothing, go home.
      this.ports.log.log(`${err.code}: ${err.message}`);
      this.go(message(this.ctx, 'error', 'Something failed', [line(err.message)], () => this.ctx.home()));
    }
    this.publishInfo();
  }

  /** First boot of a board that makes its own chip key: 32 bytes from the health-tested RNG, nothing else. */
  private provisionChipKey(): void {
    const chip = this.ports.chipKey;
    if (!chip.provisioned || chip.provisioned()) return;
    const key = this.entropy.bytes(32);
    try {
      chip.provision!(key);
    } catch (err) {
      throw new LatchError('chip-key', `the chip key could not be made: ${(err as Error).message}`);
    } finally {
      wipe(key);
    }
    this.ports.log.log('chip key provisioned (first boot)');
  }

  private unavailable(): string | undefined {
    if (this.fault) return 'the device has a hardware fault and cannot bind or open sessions';
    if (this.vault.storage === 'foreign') return 'the device\'s storage belongs to another device: reset it on the device';
    if (this.vault.storage === 'old-format') return 'the device\'s storage is from older firmware: reset it on the device';
    if (this.vault.storage === 'tampered') return 'the device\'s storage was tampered with: it unlocks and signs nothing until it is reset on the device';
    return undefined;
  }

  private onPacket(packet: Uint8Array): void {
    this.link.packetsIn++;
    this.linkHandler.onPacket(packet); // answers every error itself, peer's or ours (link-handler.ts)
    this.publishInfo();
    this.refreshAbout();
  }

  /** Storage or RNG trouble while answering the app: the app heard "device fault"; the owner sees it too. */
  private showError(err: LatchError): void {
    this.ports.log.log(`link: ${err.code}: ${err.message}`);
    if (!this.nav.current.interruptible) return; // never over the owner's PIN pad or setup
    this.go(message(this.ctx, 'error', 'Something failed', [line(err.message)], () => this.ctx.home(), 'OK', true));
  }

  private tick(): void {
    const now = this.ports.clock.now();
    if (!this.fault && this.booted) {
      try {
        this.vault.clock.persistIfDue();
      } catch (err) {
        if (!(err instanceof LatchError)) throw err;
        this.ports.log.log(`device clock not saved: ${err.message}`);
      }
      this.autoLock(now);
    }
    this.linkHandler.tick();
    this.approvals.tick();
    if (!this.fault && this.booted && this.vault.storage === 'ok') {
      try {
        this.guard.tick();
        this.events.writeTally();
        if (this.backupCodes.justExpired()) this.events.record('backup-code-expired', {});
      } catch (err) {
        if (!(err instanceof LatchError)) throw err;
        this.ports.log.log(`guard: ${err.message}`);
      }
    }
    if (!this.fault) {
      try {
        this.keyring.loadIfScheduled();
      } catch (err) {
        if (!(err instanceof LatchError)) throw err;
        this.ports.log.log(`keys not made: ${err.message}`);
      }
    }
    if (this.nav.tick()) this.draw();
  }

  /** A binding whose 24-hour wait is over (guard/pending.ts): bound now; the old app's session ends. */
  private bindWaitedApp(app: { publicKey: Uint8Array; label: string }, how: string): void {
    const previous = this.vault.appBinding()?.label;
    this.vault.setAppBinding({ publicKey: app.publicKey, label: app.label });
    this.events.record(previous !== undefined ? 'app-replaced' : 'app-bound', { app: app.label, ...(previous !== undefined ? { replaced: previous } : {}), with: how, after: 'the 24 h wait' });
    this.ports.log.log(`bound to app named "${app.label}" after the 24-hour wait`);
    this.linkHandler.reset();
    this.publishInfo();
    this.nav.showIfFree(() => bound(this.ctx, app.label));
  }

  /** Just frozen (the freeze is already in flash): what waits is cancelled, the keys forgotten, the screen says so. */
  private onFrozen(): void {
    this.approvals.cancel('frozen');
    this.nav.cancel('allow-app');
    this.nav.cancel('policy');
    this.nav.cancel('unfreeze');
    this.vault.lock();
    this.ctx.locked();
    this.ctx.home();
  }

  /** An unlocked device nobody touched for the owner's auto-lock time locks itself. */
  private autoLock(now: number): void {
    if (!this.vault.isUnlocked) return;
    if (now - this.lastInteraction < this.vault.preferences.autoLockMinutes * 60_000) return;
    this.ports.log.log('auto-lock: idle');
    this.vault.lock();
    this.ctx.locked();
    this.ctx.home();
  }

  private go(next: Activity): void {
    this.nav.go(next);
  }

  private draw(): void {
    this.nav.redraw();
  }

  private render(view: ScreenView): void {
    if (this.fault) return this.drawFault();
    this.check(view);
    renderPage(this.ports.canvas, view.layout, view.page, view.buttons);
  }

  private showFault(screen: Screen): void {
    this.fault = screen;
    this.publishInfo();
    this.drawFault();
  }

  /** A fault screen takes no presses, so it cannot turn pages: it must fit one. */
  private drawFault(): void {
    const view = this.view();
    if (view.layout.pages.length > 1) this.screenProblem(`screen "${view.screen.id}": a fault screen takes no presses, so it must fit one page (it needs ${view.layout.pages.length})`);
    this.check(view);
    renderPage(this.ports.canvas, view.layout, 0, view.buttons);
  }

  /** Every screen drawn: content that cannot be drawn in full, or an id the catalogue does not know, is a problem. */
  private check(view: ScreenView): void {
    for (const p of view.layout.problems) this.screenProblem(p);
    if (!isKnownScreen(view.screen.id)) this.screenProblem(`screen "${view.screen.id}" is not in ui/screen-ids.ts (nor, then, in the screen catalogue)`);
  }

  private screenProblem(problem: string): void {
    this.ports.log.log(`SCREEN PROBLEM: ${problem}`);
    if (this.screenProblems.length < MAX_SCREEN_PROBLEMS && !this.screenProblems.includes(problem)) this.screenProblems.push(problem);
    this.ports.onScreenProblem?.(problem);
  }

  private homeActivity(): Activity {
    if (this.vault.storage !== 'ok') return storageHome(this.ctx, this.vault.storage);
    if (this.vault.counterSpent && !this.vault.isUnlocked) return counterSpentHome(this.ctx);
    if (!this.vault.hasWallet) return blankHome(this.ctx);
    return this.vault.isUnlocked ? unlockedHome(this.ctx) : lockedHome(this.ctx);
  }

  private aboutActivity(back: () => void): Activity {
    return {
      interruptible: true,
      screen: () => aboutScreen(this.aboutFacts()),
      press: (e) => { if (e.button === 'b') back(); },
    };
  }

  private refreshAbout(): void {
    if (this.nav.current.screen().id === 'about') this.draw();
  }

  private aboutFacts() {
    const { flash } = this.ports;
    const l = this.link;
    const stats = this.vault.log.stats();
    return {
      version: FIRMWARE_VERSION,
      platform: this.options.platform,
      flashBytes: flash.size,
      sectorBytes: flash.sectorSize,
      storage: `${stats.liveRecords} records, ${stats.freeSectors} free sectors`,
      deviceId: this.vault.deviceId ?? 'made on first use',
      entropyBytesTested: this.entropy.bytesTested,
      rctCutoff: this.entropy.rctCutoff,
      aptCutoff: this.entropy.aptCutoff,
      link: l.connected ? `connected, MTU ${l.mtu}, ${l.packetsIn} packets in` : `idle, ${l.packetsIn} packets in`,
    };
  }

  /** INFO characteristic: [protocol version, flags]; flag bit 0 = blank. Nothing secret. */
  private publishInfo(): void {
    this.ports.link.setInfo(Uint8Array.from([PROTOCOL_VERSION, this.state === 'blank' ? 1 : 0]));
  }
}
