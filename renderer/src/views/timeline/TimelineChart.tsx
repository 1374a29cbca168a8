// Timeline: one lane per person (then unlabeled identities), each appearance a bar; clicking a bar (or
// Enter/Space on it) jumps to its first track. Plain SVG: a chart library would add weight for a
// handful of rects, and SVG scales with the window without a canvas redraw.
import type { ScreentimeDoc } from '../../../../shared/schema/screentime';
import { buildLanes, formatClock, ticks } from './layout';

export interface TimelineChartProps {
  doc: ScreentimeDoc;
  width: number;
  includeUnlabeled: boolean;
  onJump: (identityId: string, trackId: string) => void;
}

const LABEL_W = 170;
const LANE_H = 26;
const AXIS_H = 24;
const PAD_R = 12;

export function TimelineChart({ doc, width, includeUnlabeled, onJump }: TimelineChartProps) {
  const axisW = Math.max(100, width - LABEL_W - PAD_R);
  const lanes = buildLanes(doc, axisW, { includeUnlabeled });
  const duration = Math.max(doc.episode_duration_s, 1e-6);
  const height = AXIS_H + lanes.length * LANE_H + 4;
  const x = (s: number) => LABEL_W + (s / duration) * axisW;
  if (lanes.length === 0) return <p className="timeline-empty">No identities with screen time yet.</p>;
  return (
    <svg className="timeline-svg" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="group" aria-label="Timeline of appearances">
      {ticks(duration).map((t) => (
        <g key={`tick-${t}`} className="timeline-tick">
          <line x1={x(t)} x2={x(t)} y1={AXIS_H - 6} y2={height} />
          <text x={x(t)} y={AXIS_H - 10} textAnchor="middle">{formatClock(t)}</text>
        </g>
      ))}
      {doc.scenes.slice(1).map((sc) => (
        <line key={`cut-${sc.scene_index}`} className="timeline-cut" x1={x(sc.start_s)} x2={x(sc.start_s)} y1={AXIS_H} y2={height}>
          <title>{`Scene ${sc.scene_index + 1} starts at ${sc.start_s.toFixed(1)} s`}</title>
        </line>
      ))}
      {lanes.map((lane, li) => {
        const y = AXIS_H + li * LANE_H;
        return (
          <g key={lane.key} className={`timeline-lane ${lane.kind}`} data-lane={lane.key} aria-label={`${lane.label}: ${lane.seconds.toFixed(1)} s`}>
            <rect className="timeline-lane-bg" x={LABEL_W} y={y + 2} width={axisW} height={LANE_H - 4} />
            <text className="timeline-label" x={LABEL_W - 8} y={y + LANE_H / 2 + 4} textAnchor="end">
              {lane.label.length > 22 ? `${lane.label.slice(0, 21)}…` : lane.label}
            </text>
            {lane.bars.map((b) => (
              <rect
                key={`${lane.key}-${b.start_s}`}
                className="timeline-bar"
                data-track-id={b.track_id}
                data-identity-id={b.identity_id}
                x={LABEL_W + b.x}
                y={y + 5}
                width={b.width}
                height={LANE_H - 10}
                rx={2}
                role="button"
                tabIndex={0}
                aria-label={`${lane.label} ${b.start_s.toFixed(1)}–${b.end_s.toFixed(1)} s, jump to ${b.track_id}`}
                onClick={() => onJump(b.identity_id, b.track_id)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    onJump(b.identity_id, b.track_id);
                  }
                }}
              >
                <title>{`${lane.label}: ${b.start_s.toFixed(1)}–${b.end_s.toFixed(1)} s (${b.seconds.toFixed(1)} s on screen; ${b.track_ids.length} track${b.track_ids.length === 1 ? '' : 's'})`}</title>
              </rect>
            ))}
          </g>
        );
      })}
    </svg>
  );
}
