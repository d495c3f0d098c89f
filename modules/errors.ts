/**
 * Errors with a stable machine-readable `code`.
 * `name` is a prototype getter, not an assignment: Moddable freezes built-in prototypes in preloaded modules,
 * and assigning `this.name` in an Error subclass then throws.
 */
export class LatchError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
  get name(): string {
    return 'LatchError';
  }
}
