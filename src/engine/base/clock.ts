// Each thread's performance.now() counts from its own time origin; adding timeOrigin puts every
// thread on the same epoch-based clock so worker and main-thread timestamps can be compared.
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
