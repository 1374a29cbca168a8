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

/**
 * A message fit for a reviewer: absolute paths (the workspace's, a temp folder's, the app's) are
 * internal details. Paths inside the workspace become workspace-relative, any other absolute path
 * its last segment.
 */
export function withoutInternalPaths(text: string, workspaceRoot: string | null): string {
  const root = workspaceRoot?.replace(/\/+$/, '');
  return text.replace(/(^|[\s('"`=:])(\/[^\s'"`),;]+)/g, (_m, lead: string, path: string) => {
    if (root && (path === root || path.startsWith(`${root}/`))) return lead + (path.slice(root.length + 1) || '.');
    return lead + (path.replace(/\/+$/, '').split('/').pop() ?? '');
  });
}

/** "1 track", "2 tracks", "0 identities": a count with its noun in the right number. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
