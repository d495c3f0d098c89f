// Issue 18, finding 3 (the client's part): a request too large for one message is refused by the client before
// it is encrypted, so no nonce is used up and the session stays open. Firmware on XS.
import test from 'ava';
import { MAX_REQUEST_BYTES, RequestTooLargeError } from '../../hosts/client/client.js';
import { startCliBench, type CliBench } from './support/cli-bench.js';

let bench: CliBench | undefined;
test.before(async () => { bench = await startCliBench({ mnemonic: 'all all all all all all all all all all all all', label: 'Owner phone', name: 'size' }); });
test.after.always(async () => { await bench?.stop(); });

test('an oversize request is refused with a clear error and the session keeps working', async (t) => {
  const { client, session } = await bench!.openSession();
  try {
    const err = await session.call('ping', { echo: 'x'.repeat(MAX_REQUEST_BYTES) }).then(() => undefined, (e) => e);
    t.true(err instanceof RequestTooLargeError, String(err));
    t.regex(err.message, /at most 16367 bytes .*the session is still open/);
    t.deepEqual(await session.call('ping'), { pong: true }, 'the next request is answered in the same session');
  } finally {
    await client.close();
  }
});
