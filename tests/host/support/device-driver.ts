/**
 * Drives a device through the board simulator's control API only (screen + buttons), as a QA bench does.
 * It knows the on-screen conventions: the PIN wheel shows "[d]", the word wheel "[l]", lists mark the choice ">".
 */
export interface ScreenJson {
  id: string;
  title: string;
  lines: string[];
  buttons: { a: string | null; b: string | null; c: string | null };
  state: string;
  /** ms before a freshly shown security decision takes presses */
  armsInMs: number;
  waiting: string | null;
  /** the text shown as a QR code, if any */
  qr?: string;
  /** the page shown (from 1) and every page's rows as drawn */
  page: number;
  pages: { rows: { text: string; continued?: true }[] }[];
}

/**
 * How long a bench waits for a screen the app side causes. A CLI's cold start (node, tsx) on a 2-core machine that
 * runs two test suites and more takes tens of seconds; the wait ends as soon as the screen shows.
 */
export const SCREEN_WAIT_MS = 120_000;

export class DeviceDriver {
  constructor(readonly url: string) {}

  async call(method: string, route: string, body?: unknown): Promise<any> {
    const res = await fetch(this.url + route, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${json.error}`);
    return json;
  }

  screen(): Promise<ScreenJson> {
    return this.call('GET', '/api/screen');
  }

  /**
   * Press as an owner does: after the screen takes presses (a decision, or a screen the link just put up, ignores
   * those in its first 0.7 s; a manual clock is moved on, a real one waited for). `pressNow` does not wait.
   */
  async press(button: 'a' | 'b' | 'c', long = false): Promise<ScreenJson> {
    await this.waitArmed();
    return this.pressNow(button, long);
  }

  /** Press at once, whatever the screen's guard (tests of the guard itself). */
  pressNow(button: 'a' | 'b' | 'c', long = false): Promise<ScreenJson> {
    return this.call('POST', `/api/buttons/${button}`, { long });
  }

  /**
   * Wait until a security decision takes presses (it ignores those that begin in its first ~0.7 s): a manual
   * clock is moved on, a real one waited for.
   */
  async waitArmed(): Promise<ScreenJson> {
    let s = await this.screen();
    if (s.armsInMs <= 0) return s;
    const res = await fetch(`${this.url}/api/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceMs: s.armsInMs }) });
    await res.arrayBuffer();
    if (res.status === 409) await new Promise((r) => setTimeout(r, s.armsInMs + 20));
    s = await this.screen();
    return s;
  }

  /** Take a security decision: read it to its last page, wait for it to arm, then press (hold C by default). */
  async decide(button: 'a' | 'b' | 'c' = 'c', long = true): Promise<ScreenJson> {
    for (let s = await this.screen(); s.page < s.pages.length; s = await this.screen()) await this.press('c');
    return this.press(button, long);
  }

  /** Back to the unlocked home screen from wherever the device is, unlocking it with `pin` if it locked itself. */
  async toUnlockedHome(pin = '123456'): Promise<void> {
    for (let i = 0; i < 10; i++) {
      const s = await this.screen();
      if (s.id === 'unlocked') return;
      if (s.id === 'locked') {
        await this.press('b');
        await this.enterPin(pin);
      } else if (s.id.startsWith('pin-')) await this.enterPin(pin);
      else await this.press(s.buttons.b ? 'b' : 'a');
    }
    throw new Error(`not home: ${JSON.stringify(await this.screen())}`);
  }

  /** From the unlocked home screen: Menu, down to the item whose label starts with `label`, and select it. */
  async menuItem(label: string): Promise<ScreenJson> {
    await this.toUnlockedHome();
    let s = await this.press('b');
    for (let i = 0; i < 20 && !s.lines.find((l) => l.startsWith('>'))!.slice(2).startsWith(label); i++) s = await this.press('c');
    if (!s.lines.find((l) => l.startsWith('>'))!.slice(2).startsWith(label)) throw new Error(`no menu item "${label}": ${JSON.stringify(s)}`);
    return this.press('b');
  }

  /** Wait (polling) for a screen with this id. */
  /** The default allows for a cold start of the CLI (tsx compiles it on first use; slow on small CI machines). */
  async waitFor(id: string, timeoutMs = SCREEN_WAIT_MS): Promise<ScreenJson> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.screen();
      if (s.id === id) return s;
      if (Date.now() > until) throw new Error(`the device never showed "${id}"; it shows "${s.id}": ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Wait (polling, by the clock: a CLI's cold start on a small CI machine takes seconds) for a signing review. */
  async waitForReview(timeoutMs = SCREEN_WAIT_MS): Promise<ScreenJson> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.screen();
      if (s.id.endsWith('-review') || s.id.endsWith('-confirm')) return s;
      if (Date.now() > until) throw new Error(`no review appeared in ${timeoutMs} ms; the screen is ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /**
   * Page through the review the device shows (waiting for it first) and answer on its last page: hold C to
   * approve, or B to reject (after the decision has armed). Returns every page's text, the last included.
   */
  async review(answer: 'approve' | 'reject' = 'approve', timeoutMs = SCREEN_WAIT_MS): Promise<string[]> {
    const pages: string[] = [];
    let s = await this.waitForReview(timeoutMs);
    for (let i = 0; i < 300; i++) {
      if (s.page === 1) pages.push(`${s.title}: ${s.lines.join(' | ')}`);
      if (s.id.endsWith('-confirm')) {
        if (answer === 'approve') await this.decide('c');
        else await this.decide('b', false);
        return pages;
      }
      await this.press('c');
      s = await this.waitForReview(timeoutMs);
    }
    throw new Error(`the review never reached its last page: ${JSON.stringify(s)}`);
  }

  async expect(id: string): Promise<ScreenJson> {
    const s = await this.screen();
    if (s.id !== id) throw new Error(`expected screen "${id}", the device shows "${s.id}": ${JSON.stringify(s)}`);
    return s;
  }

  /** Enter a PIN on the digit wheel and confirm it with a long C. */
  async enterPin(pin: string): Promise<ScreenJson> {
    for (const digit of pin) {
      const s = await this.screen();
      const m = /\[(\d)\]/.exec(s.lines.join(' '));
      if (!m) throw new Error(`no PIN wheel on screen "${s.id}"`);
      const current = Number(m[1]);
      const target = Number(digit);
      const forward = (target - current + 10) % 10;
      for (let i = 0; i < Math.min(forward, 10 - forward); i++) await this.press(forward <= 5 ? 'c' : 'a');
      await this.press('b');
    }
    return this.press('c', true);
  }

  /** Read every page of the shown recovery words and move on to the check. */
  async readWords(): Promise<string[]> {
    const words: string[] = [];
    for (;;) {
      const s = await this.expect('show-words');
      for (const l of s.lines) {
        const m = /^\s*(\d+)\. ([a-z]+)$/.exec(l);
        if (m) words[Number(m[1]) - 1] = m[2];
      }
      if (s.buttons.c === 'Check') {
        await this.press('c');
        return words;
      }
      await this.press('c');
    }
  }

  /** Answer the word check with the right words. */
  async passWordCheck(words: string[]): Promise<void> {
    for (let round = 0; round < 3; round++) {
      let s = await this.expect('word-check');
      const position = Number(/#(\d+)/.exec(s.lines[0])![1]) - 1;
      for (let guard = 0; guard < 4; guard++) {
        const marked = s.lines.find((l) => l.startsWith('>'))!;
        if (marked.slice(2) === words[position]) break;
        s = await this.press('c');
      }
      await this.press('b');
    }
  }

  /** Type one word on the letter wheel (prefix completion takes it when it becomes unique). */
  async typeWord(word: string): Promise<void> {
    const start = await this.screen();
    for (const letter of word) {
      let s = await this.screen();
      if (s.id !== start.id || s.title !== start.title) return; // completed early
      for (let guard = 0; guard < 27; guard++) {
        const m = /\[([a-z]?)\]/.exec(s.lines[0]);
        if (m && m[1] === letter) break;
        s = await this.press('c');
      }
      await this.press('b');
    }
    const s = await this.screen();
    if (s.id === start.id && s.title === start.title) await this.press('c', true);
  }
}
