// Issue 18, "one link, many tools", through the board simulator on XS and the `latch` CLI as child processes:
// with `latch events --follow` holding the link, `latch freeze`, `eth address` and `policy show` get through (they
// failed with "another app is connected" before); `latch agent` serves other commands over a 0600 socket, the
// owner still confirms on the device, binding is not served, and Ctrl-C removes the socket.
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, latch } from './support/cli.js';
import { startCliBench, type CliBench } from './support/cli-bench.js';

const ADDRESS_0 = '0x73d0385F4d8E00C5e6504C6030F47BF6212736A8';

let bench: CliBench | undefined;
test.before(async () => { bench = await startCliBench({ mnemonic: 'all all all all all all all all all all all all', label: 'Owner laptop', name: 'agent' }); });
test.after.always(async () => { await bench?.stop(); });

const sock = () => path.join(bench!.home, 'agent.sock');

/** A long-running `latch ...`; `until` waits for its standard error to say something. */
function running(args: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string; until(re: RegExp, what: string): Promise<void>; exited: Promise<number> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (x) => { out += x; });
  child.stderr!.on('data', (x) => { err += x; });
  const exited = new Promise<number>((resolve) => child.once('close', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : -1))));
  return {
    child, stdout: () => out, stderr: () => err, exited,
    async until(re, what) {
      for (let i = 0; i < 600 && !re.test(err + out); i++) await new Promise((r) => setTimeout(r, 25));
      if (!re.test(err + out)) throw new Error(`${what} did not come: ${out} ${err}`);
    },
  };
}

test.serial('latch agent serves ping, info and a shown address (confirmed on the device) to other commands; bind is not served; Ctrl-C removes the socket', async (t) => {
  const agent = running(['agent', ...bench!.device()]);
  try {
    await agent.until(/latch agent: serving /, 'the agent start');
    const st = fs.lstatSync(sock());
    t.true(st.isSocket());
    t.is(st.mode & 0o777, 0o600, 'only this user can connect');

    const ping = await latch(['ping', ...bench!.device()]);
    t.is(ping.code, 0, ping.stderr);
    t.regex(ping.stdout, /^pong/);
    const status = await latch(['status', ...bench!.device()]);
    t.regex(status.stdout, /bound to this app \(through the agent, pid \d+\)/);

    // The owner still confirms on the device; the prompt goes to the command that asked, a ping beside it is answered.
    let pingBeside: Awaited<ReturnType<typeof latch>> | undefined;
    const shown = await latch(['eth', 'address', '--show', ...bench!.device()], async () => {
      await bench!.d.waitFor('eth-address');
      pingBeside = await latch(['ping', ...bench!.device()]);
      await bench!.d.press('c');
    });
    t.is(shown.code, 0, shown.stderr);
    t.is(shown.stdout, `${ADDRESS_0}  (m/44'/60'/0'/0/0)\nThe owner confirmed it matches on the device.\n`);
    t.regex(shown.stderr, /Compare the address on the device/);
    t.is(pingBeside?.code, 0, pingBeside?.stderr);
    t.notRegex(pingBeside!.stderr, /Compare the address/, 'another command is not asked about it');

    const bind = await latch(['bind', '--code', 'ABCD2345', ...bench!.device()]);
    t.is(bind.code, 1);
    t.regex(bind.stderr, /latch agent \(pid \d+\) holds the device's link for this app: stop it, then bind/);
    const second = await latch(['agent', ...bench!.device()]);
    t.is(second.code, 1);
    t.regex(second.stderr, /an agent already serves this app/);
  } finally {
    agent.child.kill('SIGINT');
  }
  t.is(await agent.exited, 0, agent.stderr());
  t.false(fs.existsSync(sock()), 'the socket went with the agent');
  const direct = await latch(['ping', ...bench!.device()]);
  t.is(direct.code, 0, `without an agent the command connects itself: ${direct.stderr}`);
});

test.serial('without an agent, a second command shut out by the first is told how to share the link', async (t) => {
  let second: Awaited<ReturnType<typeof latch>> | undefined;
  const first = await latch(['eth', 'sign-message', 'hold the link', ...bench!.device()], async () => {
    await bench!.d.waitForReview();
    second = await latch(['ping', ...bench!.device()]);
    await bench!.d.review('reject');
  });
  t.is(first.code, 1, 'refused on the device');
  t.is(second?.code, 1);
  t.regex(second!.stderr, /another app is connected \(latch commands of one app share the link through "latch agent", or a running "latch events --follow"\)/);
});

test.serial('with latch events --follow running, eth address and policy show work and latch freeze succeeds within seconds', async (t) => {
  await bench!.syncClock();
  const follow = running(['events', '--follow', '--json', ...bench!.device()]);
  try {
    await follow.until(/Following new events/, 'the follow start');
    t.true(fs.lstatSync(sock()).isSocket(), 'the follower serves the socket');
    const address = await latch(['eth', 'address', ...bench!.device()]);
    t.is(address.code, 0, address.stderr);
    t.is(address.stdout, `${ADDRESS_0}  (m/44'/60'/0'/0/0)\n`);
    const policy = await latch(['policy', 'show', '--json', ...bench!.device()]);
    t.is(policy.code, 0, policy.stderr);
    t.falsy(JSON.parse(policy.stdout).frozen, policy.stdout);

    const started = Date.now();
    const freeze = await latch(['freeze', ...bench!.device()]);
    const took = Date.now() - started;
    t.is(freeze.code, 0, freeze.stderr);
    t.regex(freeze.stdout, /The device is frozen/);
    t.true(took < 10_000, `latch freeze took ${took} ms`);
    t.log(`latch freeze beside latch events --follow: ${took} ms`);

    // the follower saw its own events live: the freeze another command made, checked
    await follow.until(/"kind":"frozen"/, 'the frozen event');
    const live = follow.stdout().trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.event);
    t.true(live.every((l) => l.ok), JSON.stringify(live));
    t.is(live.find((l) => l.event.kind === 'frozen')!.event.details.by, 'app');
    t.notRegex(follow.stderr(), /THE LOG DOES NOT CHECK OUT|latch: /);
  } finally {
    follow.child.kill('SIGINT');
  }
  t.is(await follow.exited, 130);
  t.false(fs.existsSync(sock()), 'Ctrl-C removed the socket');
});
