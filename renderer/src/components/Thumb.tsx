import { useState } from 'react';
import { useApp } from '../state/store';
import { mediaUrl } from '../api/client';

/** An artifact image (crop or thumbnail) of the open episode; a neutral box when missing. */
export function Thumb({ refPath, alt, className }: { refPath: string | undefined; alt: string; className?: string }) {
  const epId = useApp((s) => s.epId);
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
