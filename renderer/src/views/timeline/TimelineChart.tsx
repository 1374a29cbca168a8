// Timeline: one lane per person (then unlabeled identities), each with its colour and face, each
// appearance a bar; the axis shows a window of the episode (zoom: wheel, buttons, keys; pan: drag,
// horizontal or Shift+wheel). A click on a lane or the axis seeks the video to that time (the playhead
// shows where it is); a click on a bar (or Enter/Space on it) jumps to its first track. Plain SVG: a
// chart library would add weight for a handful of rects, and SVG scales with the window.
import { useEffect, useRef, type PointerEvent as ReactPointerEvent } from 'react';
import type { ScreentimeDoc } from '../../../../shared/schema/screentime';
import { mediaUrl } from '../../api/client';
import { buildLanes, formatClock, laneColor, ticksIn, type Lane, type TimeWindow } from './layout';

export interface TimelineChartProps {
  doc: ScreentimeDoc;
  width: number;
  includeUnlabeled: boolean;
  view: TimeWindow;
  /** The video's time, or null before it is known. */
  playheadS: number | null;
  /** Identity → its cover (manifest reference), for the face at the start of a lane. */
  covers: ReadonlyMap<string, string>;
  onJump: (identityId: string, trackId: string) => void;
  onSeek: (s: number) => void;
  onZoom: (factor: number, anchorS: number) => void;
  onPan: (deltaS: number) => void;
}

const LABEL_W = 200;
const FACE = 26;
const LANE_H = 32;
const AXIS_H = 24;
const PAD_R = 12;
/** A pointer that moves less than this between down and up clicked (seek); more, it dragged (pan). */
const DRAG_PX = 4;
/** Wheel pixels per doubling of the zoom. */
const WHEEL_PER_DOUBLING = 400;

/** Wheel over the chart: vertical zooms around the pointer, horizontal (or Shift) pans. Native: React's wheel is passive. */
function useWheel(ref: React.RefObject<SVGSVGElement | null>, props: Pick<TimelineChartProps, 'view' | 'onZoom' | 'onPan'>, axisW: number) {
  const latest = useRef(props);
  latest.current = props;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      const { view, onZoom, onPan } = latest.current;
      const x = e.clientX - el.getBoundingClientRect().left - LABEL_W;
      if (x < 0) return;
      e.preventDefault();
      const horizontal = e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY);
      if (horizontal) onPan(((e.shiftKey ? e.deltaY : e.deltaX) / axisW) * view.spanS);
      else onZoom(2 ** (-e.deltaY / WHEEL_PER_DOUBLING), view.startS + (x / axisW) * view.spanS);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [ref, axisW]);
}

/** Drag pans, a click seeks: both from the plot area (bars stop their own pointer-downs). */
function usePointer(props: Pick<TimelineChartProps, 'view' | 'onSeek' | 'onPan'>, axisW: number) {
  const drag = useRef<{ x0: number; last: number; moved: boolean } | null>(null);
  const timeAt = (e: ReactPointerEvent<SVGSVGElement>) => {
    const x = e.clientX - e.currentTarget.getBoundingClientRect().left - LABEL_W;
    return props.view.startS + (Math.min(axisW, Math.max(0, x)) / axisW) * props.view.spanS;
  };
  return {
    onPointerDown: (e: ReactPointerEvent<SVGSVGElement>) => {
      if (e.button !== 0 || e.clientX - e.currentTarget.getBoundingClientRect().left < LABEL_W) return;
      drag.current = { x0: e.clientX, last: e.clientX, moved: false };
      e.currentTarget.setPointerCapture(e.pointerId);
    },
    onPointerMove: (e: ReactPointerEvent<SVGSVGElement>) => {
      const d = drag.current;
      if (!d) return;
      if (Math.abs(e.clientX - d.x0) >= DRAG_PX) d.moved = true;
      if (d.moved) props.onPan((-(e.clientX - d.last) / axisW) * props.view.spanS);
      d.last = e.clientX;
    },
    onPointerUp: (e: ReactPointerEvent<SVGSVGElement>) => {
      const d = drag.current;
      drag.current = null;
      if (d && !d.moved) props.onSeek(timeAt(e));
    },
  };
}

function LaneHead({ lane, y, cover, epId }: { lane: Lane; y: number; cover: string | undefined; epId: string }) {
  const clip = `face-clip-${lane.key.replace(/[^a-z0-9-]/gi, '_')}`;
  return (
    <>
      <rect className="timeline-swatch" x={0} y={y + 4} width={4} height={LANE_H - 8} rx={2} fill={laneColor(lane.key)} />
      {cover ? (
        <>
          <clipPath id={clip}>
            <rect x={10} y={y + (LANE_H - FACE) / 2} width={FACE} height={FACE} rx={6} />
          </clipPath>
          <image className="timeline-face" href={mediaUrl(epId, cover)} x={10} y={y + (LANE_H - FACE) / 2} width={FACE} height={FACE}
            preserveAspectRatio="xMidYMid slice" clipPath={`url(#${clip})`} data-testid="lane-face" />
        </>
      ) : (
        <rect className="timeline-noface" x={10} y={y + (LANE_H - FACE) / 2} width={FACE} height={FACE} rx={6} />
      )}
      <text className="timeline-label" x={FACE + 18} y={y + LANE_H / 2 + 4}>
        {lane.label.length > 20 ? `${lane.label.slice(0, 19)}…` : lane.label}
      </text>
    </>
  );
}

function Bars({ lane, y, onJump }: { lane: Lane; y: number; onJump: TimelineChartProps['onJump'] }) {
  return (
    <>
      {lane.bars.map((b) => (
        <rect
          key={`${lane.key}-${b.start_s}`}
          className="timeline-bar"
          data-track-id={b.track_id}
          data-identity-id={b.identity_id}
          x={LABEL_W + b.x}
          y={y + 6}
          width={b.width}
          height={LANE_H - 12}
          rx={2}
          fill={laneColor(lane.key)}
          role="button"
          tabIndex={0}
          aria-label={`${lane.label} ${b.start_s.toFixed(1)}–${b.end_s.toFixed(1)} s, jump to ${b.track_id}`}
          onPointerDown={(e) => e.stopPropagation()}
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
    </>
  );
}

export function TimelineChart(props: TimelineChartProps) {
  const { doc, width, includeUnlabeled, view, playheadS, covers, onJump } = props;
  const ref = useRef<SVGSVGElement>(null);
  const axisW = Math.max(100, width - LABEL_W - PAD_R);
  useWheel(ref, props, axisW);
  const pointer = usePointer(props, axisW);
  const lanes = buildLanes(doc, axisW, { includeUnlabeled }, view);
  const height = AXIS_H + lanes.length * LANE_H + 4;
  const x = (s: number) => LABEL_W + ((s - view.startS) / view.spanS) * axisW;
  const inView = (s: number) => s >= view.startS && s <= view.startS + view.spanS;
  if (lanes.length === 0) return <p className="timeline-empty">No identities with screen time yet.</p>;
  return (
    <svg ref={ref} className="timeline-svg" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="group" aria-label="Timeline of appearances"
      data-start={view.startS} data-span={view.spanS} {...pointer}>
      <clipPath id="timeline-plot">
        <rect x={LABEL_W} y={0} width={axisW} height={height} />
      </clipPath>
      <rect className="timeline-axis-bg" x={LABEL_W} y={0} width={axisW} height={AXIS_H} />
      <g clipPath="url(#timeline-plot)">
        {ticksIn(view).map((t) => (
          <g key={`tick-${t}`} className="timeline-tick">
            <line x1={x(t)} x2={x(t)} y1={AXIS_H - 6} y2={height} />
            {/* A label at the axis' left edge would be cut in half by the clip: it starts there instead. */}
            <text x={Math.max(x(t), LABEL_W + 2)} y={AXIS_H - 10} textAnchor={x(t) < LABEL_W + 16 ? 'start' : 'middle'}>{formatClock(t)}</text>
          </g>
        ))}
        {doc.scenes.slice(1).filter((sc) => inView(sc.start_s)).map((sc) => (
          <line key={`cut-${sc.scene_index}`} className="timeline-cut" x1={x(sc.start_s)} x2={x(sc.start_s)} y1={AXIS_H} y2={height}>
            <title>{`Scene ${sc.scene_index + 1} starts at ${sc.start_s.toFixed(1)} s`}</title>
          </line>
        ))}
      </g>
      {lanes.map((lane, li) => {
        const y = AXIS_H + li * LANE_H;
        return (
          <g key={lane.key} className={`timeline-lane ${lane.kind}`} data-lane={lane.key} data-color={laneColor(lane.key)} aria-label={`${lane.label}: ${lane.seconds.toFixed(1)} s`}>
            <rect className="timeline-lane-bg" x={LABEL_W} y={y + 3} width={axisW} height={LANE_H - 6} />
            <LaneHead lane={lane} y={y} cover={lane.identityIds.map((id) => covers.get(id)).find((c) => !!c)} epId={doc.ep_id} />
            <g clipPath="url(#timeline-plot)">
              <Bars lane={lane} y={y} onJump={onJump} />
            </g>
          </g>
        );
      })}
      {playheadS !== null && inView(playheadS) && (
        <g className="timeline-playhead" data-testid="playhead" data-time={playheadS}>
          <line x1={x(playheadS)} x2={x(playheadS)} y1={0} y2={height} />
          <path d={`M ${x(playheadS) - 5} 0 L ${x(playheadS) + 5} 0 L ${x(playheadS)} 7 Z`} />
        </g>
      )}
    </svg>
  );
}
