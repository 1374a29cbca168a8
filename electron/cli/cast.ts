// `screenalytics cast <action> …`: the show's cast library from the terminal. Goes through the same
// ReviewService as the app, so auto-assignments are journalled, undoable edits.
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { RequestOf } from '../../shared/ipc';
import { ReviewService } from '../service/review-service';
import { numberOption, parseCommand } from './args';

const USAGE = `usage: screenalytics cast <action> … --workspace <dir>
  import <show> <cast.json>        add people from a JSON list of {person_id?, name}
  export <show> [--out <file>]     print (or write) the cast list as JSON
  sync <ep_id>                     add an episode's labeled identities to the library
  suggest <ep_id>                  ranked suggestions per identity
  settings <show> [--auto-assign on|off] [--threshold <cos>] [--min-margin <cos>]
  auto-assign <ep_id>              label unlocked, unlabeled identities above the threshold (if on)
  undo-auto-assign <ep_id> <identity_id>`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(
    args,
    USAGE,
    { out: { type: 'string' }, 'auto-assign': { type: 'string' }, threshold: { type: 'string' }, 'min-margin': { type: 'string' } },
    { min: 2 },
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const [action, a1, a2] = parsed.positionals;
  const svc = new ReviewService({ workspace: resolve(parsed.workspace), host: 'test' });
  try {
    switch (action) {
      case 'import': {
        if (!a2) throw new Error('import needs <show> <cast.json>');
        let people: unknown;
        try {
          people = JSON.parse(await readFile(a2, 'utf8'));
        } catch (err) {
          throw new Error(`${a2}: ${(err as Error).message}`);
        }
        // Validated (with the failing entry and field named) by CastLibrary.importCastList.
        const r = await svc.importCastList({ show: a1, people: people as RequestOf<'cast:import'>['people'] });
        console.log(`${a1}: ${r.added} added, ${r.renamed} renamed, ${r.people.length} people`);
        return 0;
      }
      case 'export': {
        const { people } = await svc.exportCastList({ show: a1 });
        const text = JSON.stringify(people, null, 2) + '\n';
        if (values.out) await writeFile(values.out, text);
        else process.stdout.write(text);
        return 0;
      }
      case 'sync': {
        const r = await svc.cast.syncEpisode(a1);
        console.log(`${a1}: ${r.references} reference tracks in the library; ${r.people} people in the show`);
        return 0;
      }
      case 'suggest': {
        const r = await svc.getCastSuggestions({ ep_id: a1 });
        for (const [id, list] of Object.entries(r.suggestions)) {
          console.log(`${id}  ${list.length ? list.map((s) => `${s.name} — ${s.score.toFixed(2)}`).join(', ') : '(none)'}`);
        }
        return 0;
      }
      case 'settings': {
        const flag = values['auto-assign'];
        if (flag !== undefined && flag !== 'on' && flag !== 'off') throw new Error(`--auto-assign must be on or off, got "${flag}"`);
        const s = await svc.setCastSettings({
          show: a1,
          auto_assign: {
            ...(flag ? { enabled: flag === 'on' } : {}),
            ...(values.threshold !== undefined ? { threshold: numberOption('--threshold', values.threshold) } : {}),
            ...(values['min-margin'] !== undefined ? { min_margin: numberOption('--min-margin', values['min-margin']) } : {}),
          },
        });
        console.log(`${a1}: auto-assign ${s.enabled ? 'on' : 'off'}, threshold ${s.threshold}, min margin ${s.min_margin}`);
        return 0;
      }
      case 'auto-assign': {
        const r = await svc.autoAssignCast({ ep_id: a1 });
        if (!r.assigned.length) console.log(`${a1}: nothing assigned (auto-assign off, or no suggestion above the threshold)`);
        for (const a of r.assigned) console.log(`${a.identity_id} ← ${a.name} (${a.score.toFixed(2)})`);
        return 0;
      }
      case 'undo-auto-assign': {
        if (!a2) throw new Error('undo-auto-assign needs <ep_id> <identity_id>');
        const r = await svc.undoAutoAssign({ ep_id: a1, identity_id: a2 });
        console.log(`${a2}: ${r.undone.name} removed; it will not be suggested for ${a2} again`);
        return 0;
      }
      default:
        console.error(`unknown action "${action}"\n\n${USAGE}`);
        return 2;
    }
  } finally {
    await svc.close();
  }
}
