// review_constraints.json (shared/schema/constraints.ts): read (absent = no facts yet) and written
// atomically through the validating JSON writer.
import { existsSync } from 'node:fs';
import { emptyConstraints, reviewConstraintsSchema, type ReviewConstraints } from '../../shared/schema';
import { readJson, writeJson } from './json';
import type { Workspace } from './workspace';

export async function readConstraints(ws: Workspace, epId: string): Promise<ReviewConstraints> {
  const path = ws.abs(ws.paths(epId).reviewConstraints);
  return existsSync(path) ? readJson(path, reviewConstraintsSchema) : emptyConstraints();
}

export async function writeConstraints(ws: Workspace, epId: string, c: ReviewConstraints): Promise<ReviewConstraints> {
  return writeJson(ws.abs(ws.paths(epId).reviewConstraints), c, reviewConstraintsSchema);
}
