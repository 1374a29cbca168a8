// Horizontal bar chart of seconds on screen per person (plain SVG, same reasons as the timeline).
import type { ScreentimeDoc } from '../../../../shared/schema/screentime';

export interface ScreenTimeBarsProps {
  doc: ScreentimeDoc;
  width: number;
  includeUnlabeled: boolean;
}

const LABEL_W = 170;
const VALUE_W = 110;
const ROW_H = 24;

export function ScreenTimeBars({ doc, width, includeUnlabeled }: ScreenTimeBarsProps) {
  const rows = [
    ...doc.people.map((p) => ({ key: `person:${p.person_id}`, label: p.name, seconds: p.seconds, share: p.share, kind: 'person' })),
    ...(includeUnlabeled
      ? doc.identities.filter((i) => i.person_id === null).map((i) => ({ key: `identity:${i.identity_id}`, label: i.identity_id, seconds: i.seconds, share: i.share, kind: 'identity' }))
      : []),
  ].sort((a, b) => b.seconds - a.seconds);
  if (rows.length === 0) return null;
  const barW = Math.max(60, width - LABEL_W - VALUE_W);
  const max = Math.max(...rows.map((r) => r.seconds), 1e-6);
  const height = rows.length * ROW_H + 4;
  return (
    <svg className="screentime-svg" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label="Screen time per person">
      {rows.map((r, i) => {
        const y = i * ROW_H;
        return (
          <g key={r.key} className={`screentime-row ${r.kind}`} data-row={r.key}>
            <text className="screentime-label" x={LABEL_W - 8} y={y + ROW_H / 2 + 4} textAnchor="end">
              {r.label.length > 22 ? `${r.label.slice(0, 21)}…` : r.label}
            </text>
            <rect className="screentime-bar" x={LABEL_W} y={y + 4} width={Math.max(1, (r.seconds / max) * barW)} height={ROW_H - 8} rx={2}>
              <title>{`${r.label}: ${r.seconds.toFixed(1)} s`}</title>
            </rect>
            <text className="screentime-value" x={LABEL_W + barW + 8} y={y + ROW_H / 2 + 4}>
              {`${r.seconds.toFixed(1)} s · ${(r.share * 100).toFixed(1)}%`}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
