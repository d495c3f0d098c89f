/** Fixed screens: About and the hardware faults (the interactive ones live in modules/app). */
import { line, type Screen } from './screen.js';
import { THEME } from './render.js';

export interface AboutFacts {
  version: string;
  platform: string;
  flashBytes: number;
  sectorBytes: number;
  storage: string;
  deviceId: string;
  entropyBytesTested: number;
  rctCutoff: number;
  aptCutoff: number;
  link: string;
}

export function aboutScreen(f: AboutFacts): Screen {
  return {
    id: 'about',
    title: 'About',
    lines: [
      line(`Latch firmware ${f.version}`),
      line(`Platform: ${f.platform}`),
      line(`Device id: ${f.deviceId}`),
      line(`Vault flash: ${f.flashBytes / 1024} KiB, ${f.sectorBytes} B sectors`),
      line(`  ${f.storage}`),
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

export function storageFaultScreen(reason: string): Screen {
  return {
    id: 'storage-fault',
    title: 'Storage fault',
    lines: [
      line('The secure storage could not be read.', { color: THEME.danger }),
      line(reason),
      line(''),
      line('Nothing was changed. Power the device off and on; if this screen comes back, the flash may be failing.'),
    ],
    buttons: {},
  };
}
