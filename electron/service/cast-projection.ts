// The show's cast library is a projection of the confirmed (locked, labeled) identities of its
// episodes. After every change to an episode's identities — a review edit or its undo/redo, a track
// edit, a cleanup undone or redone, edits replayed from the journal on open — the episode's references
// are brought up to date (cast-library.ts, under the show's cross-process lock). The change itself is
// already durable when this runs, so a projection that fails does not fail it: the reason is told to
// the reviewer with the next response, never dropped.
import type { IdentitiesDoc } from '../../shared/schema';
import type { CastLibrary } from './cast-library';

export async function projectCast(cast: CastLibrary, epId: string, st: { doc: IdentitiesDoc; warnings: string[] }): Promise<void> {
  await cast.syncEpisode(epId, st.doc).catch((err: Error) => {
    st.warnings.push(`Saved, but the cast library was not updated: ${err.message}`);
  });
}
