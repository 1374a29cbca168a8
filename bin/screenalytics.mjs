#!/usr/bin/env node
// The `screenalytics` command. Sources are TypeScript; tsx (a runtime dependency) loads them.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../electron/cli.ts');
process.exitCode = await main(process.argv.slice(2));
