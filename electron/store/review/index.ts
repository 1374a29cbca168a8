// The review store: the one owner of an episode's review state, below both the services and the
// pipeline. Everything outside this folder goes through this door.
//   files.ts          where review state lives (the only place naming its files)
//   journal.ts        the journal of edits (append before identities.json is rewritten)
//   undo-file.ts      the saved undo/redo stacks (shared/commands/history.ts transforms them)
//   recover.ts        open: replay what identities.json lacks, rebuild the stacks
//   compact.ts        keep the journal bounded once edits are durable
//   lock.ts           the cross-process review lock
//   settle.ts         what every pipeline entry point calls first (replay under the lock)
//   facts.ts          the episode facts commands and views read (tracks, faces, embeddings)
//   cleanup-steps.ts  cleanup / track-edit steps on the stacks, and the redo marker of an undone one
export { BACKUP_PREFIX, BACKUPS_DIR, REVIEW_LOCK, reviewFiles, reviewPaths, revisionOf, UNDONE_PREFIX } from './files';
export { appendJournal, journalEntrySchema, readJournal, type JournalEntry } from './journal';
export { loadHistory, saveHistory, undoFileSchema, type UndoFile } from './undo-file';
export { recover, type Recovered } from './recover';
export { COMPACT_BYTES, compactJournal } from './compact';
export { isReviewLockName, lockTiming, reviewLockHeld, withLockFile, withReviewLock } from './lock';
export { settlePendingReviewEdits } from './settle';
export { commandContext, episodeStamp, loadEpisodeData, type EpisodeData, type TrackInfo } from './facts';
export { cleanupRedoOnTop, dropRedoMarkers, findRedo, pushBackupStep, REDO_MARKER, redoMarkerSchema, writeRedoMarker, type CleanupRedo, type RedoMarker } from './cleanup-steps';
