/**
 * Input the person or program gave that cannot be right (a malformed transaction field, an amount that is not
 * one, a code of the wrong form): said before anything reaches the device. The CLI exits 2 for it, as for any
 * usage error.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
