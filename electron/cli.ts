// `screenalytics <command>`: one small module per command under electron/cli/, loaded on demand so
// `validate` does not pay for onnxruntime or sharp.

type CommandModule = { run(args: string[]): Promise<number> };

const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  validate: { summary: 'validate <workspace> <ep_id>   check every artifact of an episode', load: () => import('./cli/validate') },
  run: { summary: 'run <video> --workspace <dir> --ep <ep_id> [...]   run the pipeline', load: () => import('./cli/run') },
  cluster: { summary: 'cluster <ep_id> --workspace <dir>   re-cluster only', load: () => import('./cli/cluster') },
  cleanup: { summary: 'cleanup <ep_id> --workspace <dir> --actions ... [--dry-run]', load: () => import('./cli/cleanup') },
  screentime: { summary: 'screentime <ep_id> --workspace <dir>   screen time per person', load: () => import('./cli/screentime') },
  cast: { summary: 'cast import|export|sync|suggest|settings|auto-assign|undo-auto-assign …   the show\'s cast library', load: () => import('./cli/cast') },
  models: { summary: 'models list|install <pack>|remove <pack>|verify   download and check stronger model packs', load: () => import('./cli/models') },
  serve: { summary: 'serve --workspace <dir>   review UI in the browser (127.0.0.1)', load: () => import('./cli/serve') },
  queue: { summary: 'queue add|status|retry|cancel|remove … --workspace <dir>   episodes as jobs on a Redis queue', load: () => import('./cli/queue') },
  worker: { summary: 'worker --workspace <dir> [--concurrency N] [--device D]   run queued episode jobs', load: () => import('./cli/worker') },
};

function usage(): string {
  return ['usage: screenalytics <command> [options]', '', 'commands:', ...Object.values(COMMANDS).map((c) => `  ${c.summary}`)].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`screenalytics: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  let mod: CommandModule;
  try {
    mod = await command.load();
  } catch (err) {
    console.error(`screenalytics ${name}: not available in this build (${(err as Error).message})`);
    return 2;
  }
  try {
    return await mod.run(rest);
  } catch (err) {
    console.error(`screenalytics ${name}: ${(err as Error).message}`);
    return 1;
  }
}
