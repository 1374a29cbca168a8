import { useState } from 'react';
import { useApp } from '../state/store';
import { mediaUrl } from '../api/client';

/** An artifact image (crop or thumbnail) of the open episode, or of `epId`; a neutral box when missing. */
export function Thumb({ refPath, alt, className, epId: ofEpisode }: { refPath: string | undefined; alt: string; className?: string; epId?: string }) {
  const openEp = useApp((s) => s.epId);
  const epId = ofEpisode ?? openEp;
  const [failed, setFailed] = useState(false);
  if (!epId || !refPath || failed) return <div className={`noimg ${className ?? ''}`} role="img" aria-label={alt} />;
  return (
    <img
      className={className}
      src={mediaUrl(epId, refPath)}
      alt={alt}
      loading="lazy"
      decoding="async"
      draggable={false}
      onError={() => setFailed(true)}
    />
  );
}
