/**
 * What the owner reads before a PSBT is signed (as Jade and Trezor show it): the network and what is spent,
 * every output that leaves the wallet with its address and exact amount (change to this wallet hidden), the fee
 * with its warnings, the locktime when set, then the decision.
 */
import { formatUnits } from '../wallet/amount.js';
import { line, type ScreenLine } from '../ui/screen.js';
import { THEME } from '../ui/render.js';
import type { Review, ReviewPage } from '../signing/review.js';
import type { BtcNetwork } from './networks.js';
import type { PsbtPlan } from './psbt.js';

const warn = (text: string): ScreenLine => line(text, { color: THEME.warning });
const big = (text: string): ScreenLine => line(text, { size: 'large' });

export function btc(sats: bigint, network: BtcNetwork): string {
  return `${formatUnits(sats, 8)} ${network.name === 'mainnet' ? 'BTC' : network.name === 'testnet' ? 'tBTC' : 'rBTC'}`;
}

/** "1 input", "2 inputs". */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export function psbtReview(plan: PsbtPlan, network: BtcNetwork): Review {
  const pages: ReviewPage[] = [{
    title: 'Send bitcoin',
    lines: [
      big(network.name === 'mainnet' ? 'Bitcoin' : `Bitcoin ${network.name}`),
      line(`Signs ${count(plan.ours.length, 'input')} of this wallet.`),
      ...(plan.foreignInputs ? [warn(`${count(plan.foreignInputs, 'other input')} ${plan.foreignInputs === 1 ? 'is' : 'are'} not this wallet's: not signed here.`)] : []),
      ...(plan.changeOutputs ? [line(`${count(plan.changeOutputs, 'change output')} back to this wallet ${plan.changeOutputs === 1 ? 'is' : 'are'} not shown.`, { color: THEME.dim })] : []),
    ],
  }];
  plan.outputs.forEach((o, k) => {
    pages.push({
      title: `Output ${k + 1} of ${plan.outputs.length}`,
      lines: [
        line(o.address ? 'To:' : 'To a script with no address:'),
        line(o.address ?? o.script),
        big(btc(o.amount, network)),
        ...(o.ownReceive ? [line('A receive address of this wallet.', { color: THEME.dim })] : []),
        ...(o.falseChange ? [warn('It claims to be this wallet\'s change but is not.')] : []),
      ],
    });
  });
  pages.push({ title: 'Fee', lines: [big(btc(plan.fee, network)), ...plan.warnings.filter((w) => /fee/i.test(w)).map(warn)] });
  const other = plan.warnings.filter((w) => !/fee/i.test(w));
  if (other.length) pages.push({ title: 'Warning', lines: other.map(warn) });
  if (plan.lockTime) pages.push({ title: 'Locktime', lines: [line(plan.lockTime < 500_000_000 ? `Not valid before block ${plan.lockTime}.` : `Not valid before ${plan.lockTime} (Unix time).`)] });
  return {
    id: 'btc-psbt',
    pages,
    confirm: { title: 'Send?', lines: [big(`Send ${btc(plan.sent, network)}?`), line(`plus a fee of ${btc(plan.fee, network)}`)] },
    action: 'Hold: Sign',
  };
}
