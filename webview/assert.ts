// Exhaustiveness checks for switches over the protocol's unions.

/**
 * For the default of a switch that handles every case: the compiler rejects the call when a case
 * is missing, and at run time it throws for a value no case knows (e.g. page data from elsewhere).
 */
export function assertNever(x: never, what: string): never {
  throw new Error(`Unknown ${what}: ${JSON.stringify(x)}`);
}

/**
 * For the default of a message switch: the compiler rejects the call when a case is missing, and
 * at run time a message no case knows (meant for another page, or from another version) is dropped.
 */
export function ignoreUnknown(message: never): void {
  void message;
}
