import { useState } from 'react';
import { useApp } from '../state/store';
import { mediaUrl } from '../api/client';

/** An artifact image (crop or thumbnail) of the open episode, or of `epId`; a neutral box when missing. */
export function Thumb({ refPath, alt, className, epId: ofEpisode }: { refPath: string | undefined; alt: string; className?: string; epId?: string }) {
  const openEp = useApp((s) => s.epId);
  const epId = ofEpisode ?? openEp;
  // The image that failed, not a flag: a new ref (a new cover) gets its own try.
  const [failed, setFailed] = useState<string | null>(null);
  const src = epId && refPath ? mediaUrl(epId, refPath) : null;
  if (!src || failed === src) return <div className={`noimg ${className ?? ''}`} role="img" aria-label={alt} />;
  return (
    <img
      className={className}
      src={src}
      alt={alt}
      loading="lazy"
      decoding="async"
      draggable={false}
      onError={() => setFailed(src)}
    />
  );
}
