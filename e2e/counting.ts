// Counts what a reviewer does with their hands: every key press and mouse click a test sends goes
// through one `CountingInput`, which tallies it under the step being done. A listener inside the page
// counts the same from the browser's side (trusted key-downs other than lone modifiers, and mouse
// presses), kept in sessionStorage so a reload does not lose it; `observed()` lets a test check that
// nothing reached the page uncounted. Typing a name counts one keystroke per character; a chord such
// as Shift+ArrowRight counts one. Scrolling and waiting for the app are not counted.
import type { Locator, Page } from 'playwright-core';

export interface StepCount {
  step: string;
  keystrokes: number;
  clicks: number;
}

export interface InputCounts {
  keystrokes: number;
  clicks: number;
  total: number;
  steps: (StepCount & { total: number })[];
}

const STORE_KEY = '__inputCounts';

/** Runs in the page at every load (browser-side code as a string: this file is type-checked without the DOM library). */
const PAGE_LISTENER = `(() => {
  if (window.__inputCounting) return;
  window.__inputCounting = true;
  const key = ${JSON.stringify(STORE_KEY)};
  const read = () => JSON.parse(sessionStorage.getItem(key) || '{"keystrokes":0,"clicks":0}');
  const bump = (field) => { const c = read(); c[field] += 1; sessionStorage.setItem(key, JSON.stringify(c)); };
  const modifiers = new Set(['Shift', 'Control', 'Alt', 'Meta']);
  addEventListener('keydown', (e) => { if (e.isTrusted && !e.repeat && !modifiers.has(e.key)) bump('keystrokes'); }, true);
  addEventListener('mousedown', (e) => { if (e.isTrusted) bump('clicks'); }, true);
})()`;

const withListener = new WeakSet<Page>();

export class CountingInput {
  private readonly steps: StepCount[] = [];
  private current: StepCount | null = null;

  private constructor(readonly page: Page) {}

  /** Starts counting on `page` from zero: the in-page listener is installed for this and every later load (once per page). */
  static async attach(page: Page): Promise<CountingInput> {
    if (!withListener.has(page)) await page.addInitScript(PAGE_LISTENER);
    withListener.add(page);
    await page.evaluate(PAGE_LISTENER);
    await page.evaluate(`sessionStorage.removeItem(${JSON.stringify(STORE_KEY)})`);
    return new CountingInput(page);
  }

  /** Counts what `body` does under `name` (a step named twice adds to the same row). */
  async step<T>(name: string, body: () => Promise<T>): Promise<T> {
    const outer = this.current;
    this.current = this.steps.find((s) => s.step === name) ?? this.steps[this.steps.push({ step: name, keystrokes: 0, clicks: 0 }) - 1];
    try {
      return await body();
    } finally {
      this.current = outer;
    }
  }

  private row(): StepCount {
    if (!this.current) throw new Error('e2e/counting.ts: input outside a step (wrap it in counter.step(name, …))');
    return this.current;
  }

  /** One key or chord ("e", "Enter", "Shift+ArrowRight"). */
  async press(key: string): Promise<void> {
    this.row().keystrokes += 1;
    await this.page.keyboard.press(key);
  }

  /** Types `text` key by key into whatever has focus. */
  async type(text: string): Promise<void> {
    this.row().keystrokes += [...text].length;
    await this.page.keyboard.type(text);
  }

  async click(target: Locator): Promise<void> {
    this.row().clicks += 1;
    await target.click();
  }

  async dblclick(target: Locator): Promise<void> {
    this.row().clicks += 2;
    await target.dblclick();
  }

  counts(): InputCounts {
    const keystrokes = this.steps.reduce((a, s) => a + s.keystrokes, 0);
    const clicks = this.steps.reduce((a, s) => a + s.clicks, 0);
    return { keystrokes, clicks, total: keystrokes + clicks, steps: this.steps.map((s) => ({ ...s, total: s.keystrokes + s.clicks })) };
  }

  /** What the page itself saw since `attach`. */
  async observed(): Promise<{ keystrokes: number; clicks: number }> {
    return this.page.evaluate(`JSON.parse(sessionStorage.getItem(${JSON.stringify(STORE_KEY)}) || '{"keystrokes":0,"clicks":0}')`);
  }
}
