export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '–';
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m}m ${Math.round(s - m * 60)}s`;
}

export function formatEta(s: number | null | undefined): string {
  if (s == null || !Number.isFinite(s)) return '–';
  // Round once, up to whole seconds, so 599.4 s reads "10 min 0 s", never "9 min 60 s".
  const whole = Math.ceil(s);
  if (whole < 60) return `${whole} s`;
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}
