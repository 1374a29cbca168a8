// Progress from a worker thread is throttled before it crosses to the main thread: every change of
// stage/step and every last update pass, others at most one per `intervalMs`.
export function throttleProgress<P extends { done: number; total: number }>(
  phase: (p: P) => string,
  send: (p: P) => void,
  intervalMs = 100,
): (p: P) => void {
  let last = '';
  let lastSent = 0;
  return (p) => {
    const now = Date.now();
    if (phase(p) !== last || p.done >= p.total || now - lastSent >= intervalMs) {
      last = phase(p);
      lastSent = now;
      send(p);
    }
  };
}
