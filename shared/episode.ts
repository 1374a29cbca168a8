// Episode ids (`<show>-s<season>e<episode>`). Where an episode's files live is shared/layout.ts.

export interface EpisodeId {
  epId: string;
  show: string;
  season: number;
  episode: number;
}

const EP_ID_RE = /^([a-z0-9][a-z0-9-]*?)-s(\d{1,3})e(\d{1,4})$/;

/** Parses `rhobh-s05e02` into show / season / episode. Throws a readable error otherwise. */
export function parseEpId(epId: string): EpisodeId {
  const m = EP_ID_RE.exec(epId);
  if (!m) {
    throw new Error(
      `invalid ep_id "${epId}": expected <show>-s<season>e<episode>, lower-case, e.g. "rhobh-s05e02"`,
    );
  }
  return { epId, show: m[1], season: Number(m[2]), episode: Number(m[3]) };
}

export function isEpId(value: string): boolean {
  return EP_ID_RE.test(value);
}
