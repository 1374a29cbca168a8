// Page objects: tests say what a reviewer does ("label the focused identity"), not which selectors.
// Waits are on the app's own state (no request in flight, revision moved), never on timers.
import type { Locator, Page } from 'playwright-core';
import type { CountingInput } from './counting';

interface ReviewProbe {
  pending: number;
  revision: number;
  epId: string | null;
  view: string;
  loading: boolean;
}

export class ReviewApp {
  constructor(readonly page: Page) {}

  probe(): Promise<ReviewProbe> {
    return this.page.evaluate(() => (globalThis as unknown as { __review: { state: () => ReviewProbe } }).__review.state());
  }

  /** Waits until no request is in flight (and, if given, the document revision has moved past `after`). */
  async settled(after?: number): Promise<ReviewProbe> {
    await this.page.waitForFunction(
      (rev) => {
        const s = (globalThis as unknown as { __review?: { state: () => ReviewProbe } }).__review?.state();
        return !!s && s.pending === 0 && !s.loading && (rev === null || s.revision > rev);
      },
      after ?? null,
    );
    return this.probe();
  }

  async goto(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.waitForSelector('[data-testid="episode-row"], .empty');
  }

  async openEpisode(epId: string): Promise<void> {
    await this.page.locator(`[data-testid="episode-row"][data-ep-id="${epId}"] [data-testid="open-episode"]`).click();
    await this.page.waitForSelector('[data-testid="identity-card"]');
    await this.settled();
  }

  card(identityId: string): Locator {
    return this.page.locator(`[data-testid="identity-card"][data-identity-id="${identityId}"]`);
  }

  focusedCardId(): Promise<string | null> {
    return this.page.locator('[data-testid="identity-card"].focused').getAttribute('data-identity-id');
  }

  async focusCard(identityId: string): Promise<void> {
    await this.card(identityId).click();
  }

  async press(key: string): Promise<void> {
    await this.page.keyboard.press(key);
  }

  /** Runs a user step and waits for the service to confirm it (revision bump, nothing pending). */
  async step(action: () => Promise<void>): Promise<ReviewProbe> {
    const before = (await this.probe()).revision;
    await action();
    return this.settled(before);
  }

  async label(name: string): Promise<void> {
    await this.press('e');
    const input = this.page.getByTestId('label-input');
    await input.fill(name);
    await input.press('Enter');
  }

  async confirmMerge(): Promise<void> {
    await this.page.getByTestId('merge-confirm').click();
  }

  /** The merge / move dialog's candidates as shown: identity id and the name on the row. */
  async pickerCandidates(): Promise<{ id: string; name: string }[]> {
    await this.page.locator('[data-testid="identity-picker"][aria-busy="false"]').waitFor();
    return this.page.getByTestId('picker-candidate').evaluateAll((els) =>
      els.map((e) => ({ id: e.getAttribute('data-identity-id') ?? '', name: e.querySelector('[data-testid="picker-name"]')?.textContent ?? '' })),
    );
  }

  /** data-testid of the element that has keyboard focus. */
  focusedTestId(): Promise<string | null> {
    return this.page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(a: string): string | null } | null } }).document.activeElement?.getAttribute('data-testid') ?? null);
  }

  /** Accepts the "probably two different people" / locked confirmation when the app asks for it. */
  async confirmIfAsked(): Promise<void> {
    await this.settled();
    if (await this.page.getByTestId('confirm-dialog').count()) await this.page.getByTestId('confirm-yes').click();
  }

  async toEpisodes(): Promise<void> {
    await this.page.getByRole('button', { name: 'Episodes', exact: true }).click();
    await this.page.waitForSelector('[data-testid="episode-row"]');
  }

  async openIdentity(identityId: string): Promise<void> {
    await this.focusCard(identityId);
    await this.press('Enter');
    await this.page.waitForSelector(`[data-testid="identity-detail"][data-identity-id="${identityId}"] [data-testid="track-row"]`);
    await this.settled();
  }

  trackRow(trackId: string): Locator {
    return this.page.locator(`[data-testid="track-row"][data-track-id="${trackId}"]`);
  }

  async trackIdsShown(): Promise<string[]> {
    return this.page.locator('[data-testid="track-row"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-track-id') ?? ''));
  }

  /** Focuses a track with j/k from the top and selects it with Space (keyboard only). */
  async selectTrackByKeyboard(trackId: string): Promise<void> {
    const ids = await this.trackIdsShown();
    const index = ids.indexOf(trackId);
    if (index < 0) throw new Error(`track ${trackId} is not shown (have ${ids.join(', ')})`);
    const current = Number(await this.page.locator('[data-testid="track-row"].focused').getAttribute('data-track-index'));
    const delta = index - current;
    for (let i = 0; i < Math.abs(delta); i++) await this.press(delta > 0 ? 'j' : 'k');
    await this.press('Space');
  }
}

/** Settings → Models: install a pack, use it by default (the installer's page object). */
export class ModelsPanelPage {
  constructor(readonly page: Page) {}

  get dialog(): Locator {
    return this.page.getByTestId('settings-dialog');
  }

  pack(id: string): Locator {
    return this.dialog.locator(`[data-testid="model-pack"][data-pack-id="${id}"]`);
  }

  async open(): Promise<void> {
    await this.page.getByTestId('open-settings').click();
    await this.dialog.getByTestId('models-panel').waitFor();
    await this.dialog.locator('[data-testid="model-pack"]').first().waitFor();
  }

  /** Clicks Install and waits for the pack to read as installed (the service's models:progress done). */
  async install(id: string, timeout = 60_000): Promise<void> {
    await this.pack(id).getByTestId('install-pack').click();
    await this.page.locator(`[data-testid="model-pack"][data-pack-id="${id}"][data-installed="true"]`).waitFor({ timeout });
  }
}

/** The Episodes screen's queue panel (shown when the workspace names a queue). */
export class QueuePanelPage {
  constructor(readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('queue-panel');
  }

  row(epId: string): Locator {
    return this.root.locator(`[data-testid="queue-row"][data-ep-id="${epId}"]`);
  }

  /** Waits for the episode's job to show `state` (the panel polls the queue). */
  async waitForState(epId: string, state: string): Promise<Locator> {
    const row = this.root.locator(`[data-testid="queue-row"][data-ep-id="${epId}"][data-state="${state}"]`);
    await row.waitFor({ timeout: 30_000 });
    return row;
  }

  async enqueue(videos: string[], show: string, season: number): Promise<void> {
    await this.root.getByTestId('queue-videos').fill(videos.join('\n'));
    await this.root.getByTestId('queue-show').fill(show);
    await this.root.getByTestId('queue-season').fill(String(season));
    await this.root.getByTestId('queue-add').click();
  }
}

/** The questions view ("Same person?", "Is this …?"): one question at a time, answered by keys. */
export class QuestionsPage {
  constructor(readonly app: ReviewApp) {}

  get page(): Page {
    return this.app.page;
  }

  /** q on the grid, then the first question (or the empty state). */
  async open(): Promise<void> {
    await this.app.press('q');
    await this.shown();
  }

  /** Waits for the view to show a question or to say there is none. */
  async shown(): Promise<void> {
    await this.page.locator('[data-testid="question"], [data-testid="questions-empty"]').first().waitFor();
    await this.app.settled();
  }

  /** The question on screen: its key (`same:<a>/<b>` or `cast:<identity>/<person>`), title and "k of n"; null when none. */
  async current(): Promise<{ key: string; title: string; count: string } | null> {
    const q = this.page.getByTestId('question');
    if (!(await q.count())) return null;
    return {
      key: (await q.getAttribute('data-question-key')) ?? '',
      title: (await q.getByTestId('question-title').textContent()) ?? '',
      count: (await q.getByTestId('question-count').textContent()) ?? '',
    };
  }

  /** Every open question's key, by skipping (s) once round the list. */
  async keys(): Promise<string[]> {
    const first = await this.current();
    if (!first) return [];
    const n = Number(first.count.split(' of ')[1]);
    const keys = [first.key];
    for (let i = 1; i < n; i++) {
      await this.skip();
      keys.push((await this.current())!.key);
    }
    return keys;
  }

  /** Skips (s) until the question `key` is on screen. */
  async goTo(key: string): Promise<void> {
    const keys = await this.keys();
    if (!keys.includes(key)) throw new Error(`no question ${key} (have ${keys.join(', ')})`);
    while ((await this.current())?.key !== key) await this.skip();
  }

  /** s: the next question. */
  async skip(): Promise<void> {
    const prev = (await this.current())?.key;
    await this.app.press('s');
    await this.page.locator(`[data-testid="question"]:not([data-question-key="${prev}"])`).waitFor();
  }

  /** Presses y / n / z and waits for the service (a merge or a locked side asks to confirm first: yes). */
  async answer(key: 'y' | 'n' | 'z'): Promise<void> {
    const before = (await this.app.probe()).revision;
    await this.app.press(key);
    await this.app.settled();
    while (await this.page.getByTestId('confirm-dialog').count()) {
      await this.page.getByTestId('confirm-yes').click();
      await this.app.settled();
    }
    await this.app.settled(before);
  }
}

/** The Run dialog (file browser, presets, field messages) and the run's progress panel. */
export class RunPage {
  constructor(readonly page: Page) {}

  get dialog(): Locator {
    return this.page.getByTestId('run-dialog');
  }

  get progress(): Locator {
    return this.page.getByTestId('run-progress');
  }

  async open(): Promise<void> {
    await this.page.getByTestId('new-run').click();
    await this.dialog.waitFor();
  }

  /** Picks a video with the file browser: the folder (by its label), the sub-folders, then the file. */
  async browse(rootLabel: string, folders: string[], file: string): Promise<void> {
    if ((await this.dialog.getByTestId('file-browser').count()) === 0) await this.dialog.getByTestId('run-browse').click();
    const browser = this.dialog.getByTestId('file-browser');
    await browser.getByTestId('browse-root').selectOption({ label: rootLabel });
    for (const f of folders) await this.entry('dir', f).click();
    await this.entry('video', file).click();
    await browser.waitFor({ state: 'detached' });
  }

  entry(kind: 'dir' | 'video', name: string): Locator {
    return this.dialog.locator(`[data-testid="browse-entry"][data-kind="${kind}"][data-name="${name}"]`);
  }

  step(stage: string, state: 'done' | 'current' | 'pending' | 'stopped'): Locator {
    return this.progress.locator(`[data-step="${stage}"][data-state="${state}"]`);
  }

  /** Waits for the run to end in `state` (done, cancelled, failed). */
  async ended(state: 'done' | 'cancelled' | 'failed', timeout = 300_000): Promise<void> {
    await this.page.locator(`[data-testid="run-progress"][data-state="${state}"]`).waitFor({ timeout });
  }
}

/**
 * The reviewer's hands: each method is one review step done the way a reviewer does it on today's UI
 * (a click to pick a card, track, face or candidate; keys for the actions), every key and click sent
 * through a CountingInput (e2e/counting.ts), then waiting for the service to confirm the edit.
 */
export class CountedReviewer {
  /**
   * `openButton`: open an identity with one click on the "Open" button drawn on its card's face
   * (instead of a click to focus the card, then Enter) unless its card already has the focus.
   */
  constructor(readonly app: ReviewApp, readonly input: CountingInput, readonly opts: { openButton?: boolean } = {}) {}

  get page(): Page {
    return this.app.page;
  }

  async openEpisode(epId: string): Promise<void> {
    await this.input.click(this.page.locator(`[data-testid="episode-row"][data-ep-id="${epId}"] [data-testid="open-episode"]`));
    await this.page.waitForSelector('[data-testid="identity-card"]');
    await this.app.settled();
  }

  /** The identity whose page is open, or null on the grid. */
  openIdentityId(): Promise<string | null> {
    return this.page.evaluate(() => (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(a: string): string | null } | null } }).document.querySelector('[data-testid="identity-detail"]')?.getAttribute('data-identity-id') ?? null);
  }

  /** The identity in front of the reviewer: the open one, else the focused card. */
  async currentIdentityId(): Promise<string | null> {
    return (await this.openIdentityId()) ?? (await this.app.focusedCardId());
  }

  async toGrid(): Promise<void> {
    if ((await this.openIdentityId()) === null) return;
    await this.input.press('Escape');
    await this.page.getByTestId('identity-grid').waitFor();
  }

  /** The card under the focus ring: a click on its id line (clear of any button on the face) unless it already is. */
  async focusCard(identityId: string): Promise<void> {
    await this.toGrid();
    if ((await this.app.focusedCardId()) !== identityId) await this.input.click(this.app.card(identityId).locator('.meta').last());
    await this.page.locator(`[data-testid="identity-card"][data-identity-id="${identityId}"].focused`).waitFor();
  }

  /** Opens an identity's page from the grid: click its card, Enter (or one click on its Open button). */
  async openIdentity(identityId: string): Promise<void> {
    if ((await this.openIdentityId()) === identityId) return;
    await this.toGrid();
    // Enter when the card already has the focus ring; else one click on its Open button when there is one.
    if (this.opts.openButton && (await this.app.focusedCardId()) !== identityId) {
      await this.input.click(this.app.card(identityId).getByTestId('open-identity'));
    } else {
      await this.focusCard(identityId);
      await this.input.press('Enter');
    }
    await this.page.waitForSelector(`[data-testid="identity-detail"][data-identity-id="${identityId}"] [data-testid="track-row"]`);
    await this.app.settled();
  }

  /**
   * Runs the step's last input and waits until the service saved the edit; when the app asks first
   * ("Please confirm": tracks that share frames, a locked identity), the reviewer agrees with Enter.
   */
  private async commit(last: () => Promise<void>): Promise<void> {
    const before = (await this.app.probe()).revision;
    await last();
    await this.page.waitForFunction((rev) => {
      const g = globalThis as unknown as { __review: { state: () => ReviewProbe }; document: { querySelector(s: string): unknown } };
      const s = g.__review.state();
      return !!g.document.querySelector('[data-testid="confirm-dialog"]') || (s.pending === 0 && !s.loading && s.revision > rev);
    }, before);
    if (await this.page.getByTestId('confirm-dialog').count()) await this.app.step(() => this.input.press('Enter'));
  }

  /** Focuses the track's row (a click on its header) so its faces show, clicks the face, then "Split track here". */
  async splitTrackAt(identityId: string, trackId: string, faceId: string): Promise<void> {
    await this.openIdentity(identityId);
    const row = this.app.trackRow(trackId);
    if (!/\bfocused\b/.test((await row.getAttribute('class')) ?? '')) await this.input.click(row.locator('.thead > span').first());
    await this.input.click(row.locator(`[data-testid="face"][data-face-id="${faceId}"]`));
    await this.commit(() => this.input.click(this.page.getByTestId('split-track-here')));
  }

  /** Ticks each track's checkbox on the open identity's page. */
  async selectTracks(trackIds: readonly string[]): Promise<void> {
    for (const t of trackIds) await this.input.click(this.app.trackRow(t).locator('input[type="checkbox"]'));
  }

  /** Picks a candidate in the open merge / move dialog by its faces (a click on its row), then Enter on the confirm button. */
  private async pickAndConfirm(candidateId: string, confirmId: string): Promise<void> {
    await this.page.locator('[data-testid="identity-picker"][aria-busy="false"]').waitFor();
    await this.input.click(this.page.locator(`[data-testid="picker-candidate"][data-identity-id="${candidateId}"]`));
    await this.page.waitForFunction((id) => (globalThis as unknown as { document: { activeElement: { getAttribute(a: string): string | null } | null } }).document.activeElement?.getAttribute('data-testid') === id, confirmId);
    await this.commit(() => this.input.press('Enter'));
  }

  /**
   * Moves tracks of the identity to another: tick them, Move…, pick the destination, Enter. (With a
   * checkbox focused the view's keys do not run, so after ticking the reviewer clicks the button.)
   */
  async moveTracks(fromId: string, trackIds: readonly string[], toId: string): Promise<void> {
    await this.openIdentity(fromId);
    await this.selectTracks(trackIds);
    await this.input.click(this.page.getByTestId('move'));
    await this.page.getByTestId('move-dialog').waitFor();
    await this.pickAndConfirm(toId, 'move-confirm');
  }

  /** Splits tracks off into a new identity: tick them, Split off. */
  async splitOff(fromId: string, trackIds: readonly string[]): Promise<void> {
    await this.openIdentity(fromId);
    await this.selectTracks(trackIds);
    await this.commit(() => this.input.click(this.page.getByTestId('split')));
  }

  /** Merges two identities: m on the open one (or the focused card), pick the other, Enter. */
  async merge(a: string, b: string): Promise<void> {
    const open = await this.openIdentityId();
    const [from, other] = open === b ? [b, a] : [a, b];
    if (open !== from) await this.focusCard(from);
    await this.input.press('m');
    await this.page.getByTestId('merge-dialog').waitFor();
    await this.pickAndConfirm(other, 'merge-confirm');
  }

  /** The identity in front of the reviewer for e / l: its page when open, else its card focused on the grid. */
  private async target(identityId: string): Promise<void> {
    if ((await this.openIdentityId()) !== identityId) await this.focusCard(identityId);
  }

  async label(identityId: string, name: string): Promise<void> {
    await this.target(identityId);
    await this.input.press('e');
    await this.page.locator('[data-testid="label-input"]:focus').waitFor();
    await this.input.type(name);
    await this.commit(() => this.input.press('Enter'));
  }

  async lock(identityId: string): Promise<void> {
    await this.target(identityId);
    await this.commit(() => this.input.press('l'));
  }

  /** The question on screen, from its key (`same:<a>/<b>`, `cast:<identity>/<person>`). */
  private async currentQuestion(): Promise<{ key: string; same: boolean; a: string; b: string }> {
    const key = (await this.page.locator('[data-testid="question"][data-question-key]').first().getAttribute('data-question-key')) ?? '';
    const m = /^(same|cast):([^/]+)\/(.+)$/.exec(key);
    if (!m) throw new Error(`e2e/pages.ts: question key "${key}" is neither same:<a>/<b> nor cast:<identity>/<person>`);
    return { key, same: m[1] === 'same', a: m[2], b: m[3] };
  }

  /**
   * The questions view (q on the grid, once its badge shows): answers each question y or n as `yes`
   * decides while `waiting()` (the service's count of open questions) says some are left, then back
   * to the grid (Esc). A "Same person?" question is about identities a and b; an "Is this …?" one
   * about identity a and person b.
   */
  async answerQuestions(yes: (q: { same: boolean; a: string; b: string }) => Promise<boolean>, waiting: () => Promise<number>): Promise<void> {
    await this.toGrid();
    // The reviewer goes when the grid says questions are waiting.
    await this.page.getByTestId('questions-badge').waitFor();
    await this.input.press('q');
    await this.page.getByTestId('questions-view').waitFor();
    let answered: string | null = null;
    while ((await waiting()) > 0) {
      // The answered question has gone; the next one is on screen once the view has the fresh list.
      await this.page.locator(`[data-testid="question"]${answered ? `:not([data-question-key="${answered}"])` : ''}`).first().waitFor();
      const q = await this.currentQuestion();
      const answer = (await yes(q)) ? 'y' : 'n';
      await this.commit(() => this.input.press(answer));
      answered = q.key;
    }
    await this.input.press('Escape');
    await this.page.getByTestId('identity-grid').waitFor();
  }
}
