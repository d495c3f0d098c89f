/** The screens of the foundation: what a blank device shows, its About page, and a hardware fault. */
import { line, type Screen } from './screen.js';
import { THEME } from './render.js';

export interface AboutFacts {
  version: string;
  platform: string;
  flashBytes: number;
  sectorBytes: number;
  entropyBytesTested: number;
  rctCutoff: number;
  aptCutoff: number;
  link: string;
}

export function blankScreen(): Screen {
  return {
    id: 'blank',
    title: 'Latch',
    lines: [
      line('Blank device', { size: 'large', align: 'center' }),
      line(''),
      line('No app is bound and no wallet exists.', { align: 'center' }),
      line('Open the Latch app on your phone to bind it.', { align: 'center' }),
    ],
    buttons: { b: 'About' },
  };
}

export function aboutScreen(f: AboutFacts): Screen {
  return {
    id: 'about',
    title: 'About',
    lines: [
      line(`Latch firmware ${f.version}`),
      line(`Platform: ${f.platform}`),
      line(`Vault flash: ${f.flashBytes / 1024} KiB, ${f.sectorBytes} B sectors`),
      line(`RNG health: ok, ${f.entropyBytesTested} bytes tested`),
      line(`  cutoffs: repetition ${f.rctCutoff}, proportion ${f.aptCutoff}`),
      line(`Link: ${f.link}`),
    ],
    buttons: { b: 'Back' },
  };
}

export function rngFaultScreen(reason: string): Screen {
  return {
    id: 'rng-fault',
    title: 'Hardware fault',
    lines: [
      line('The random number generator failed its health test.', { color: THEME.danger }),
      line(reason),
      line(''),
      line('No keys or codes can be made. Power the device off and on; if this screen comes back, the board is faulty.'),
    ],
    buttons: {},
  };
}
