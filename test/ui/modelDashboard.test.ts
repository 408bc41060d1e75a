// The Model Dashboard in the real workbench on the demo, opened from the palette: the stage board, the versions table
// with key metrics, A/B compare of staging against production, and the lineage graph; a model whose name is markup
// renders as text. In the dark and the light theme, with a screenshot of each part.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { demoWorkspace, iconsLoaded, runCommand, uiMode, useWorkbench, webviewFrame } from './workbench';

const HOSTILE = '<img src=x onerror=alert(1)>';

/** The demo with one more model in mlops.yaml whose name is markup. */
function demoWithHostileModel(): string {
  const dir = demoWorkspace();
  const file = path.join(dir, 'mlops.yaml');
  const text = fs.readFileSync(file, 'utf8');
  const entry = `models:\n  - name: "${HOSTILE}"\n    path: models/fraud-classifier/model.pkl\n    description: "<b>bold</b> & <script>alert(2)</script>"\n`;
  assert.ok(text.includes('models:\n'), 'the demo has a models: section');
  fs.writeFileSync(file, text.replace('models:\n', entry));
  return dir;
}

async function tableRows(frame: FrameLocator, selector: string): Promise<string[][]> {
  return frame
    .locator(`${selector} tbody tr`)
    .evaluateAll((trs) =>
      trs.map((tr) =>
        Array.from(tr.querySelectorAll('td,th'), (td) => (td.textContent ?? '').replace(/\s+/g, ' ').trim()),
      ),
    );
}

for (const { name, theme } of [
  { name: 'dark', theme: 'Default Dark Modern' },
  { name: 'light', theme: 'Default Light Modern' },
]) {
  describe(`Model Dashboard in the workbench, ${name} theme (${uiMode()})`, function () {
    this.timeout(300_000);
    // Native scrollbars drawn, as in a user's editor: the versions table and the lineage graph show theirs.
    const session = useWorkbench(demoWithHostileModel, { theme, scrollbars: true }, name);
    const dialogs: string[] = [];

    before(() => {
      session.wb.page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
    });

    it('shows the stage board, the versions table, A/B compare and the lineage graph', async () => {
      const page = session.wb.page;
      await runCommand(page, 'MLOps: Show Model Dashboard');
      await page.locator('.tab', { hasText: 'Model Dashboard' }).first().waitFor({ timeout: 60_000 });
      const frame = webviewFrame(page);

      // The stage board: the version each stage holds.
      await frame.locator('.md-card').first().waitFor({ timeout: 90_000 });
      assert.deepEqual(await frame.locator('.md-column h3').allTextContents(), ['staging', 'production']);
      const cards = await frame
        .locator('.md-column')
        .evaluateAll((cols) =>
          cols.map((c) => Array.from(c.querySelectorAll('.md-card'), (card) => card.textContent ?? '')),
        );
      assert.deepEqual(cards, [['fraud-classifier' + 'v2.0.0'], ['fraud-classifier' + 'v1.2.0']]);

      // The versions table, once the metrics at each version are read.
      const header = frame.locator('.md-versions-table thead');
      await header.filter({ hasText: 'test.f1' }).waitFor({ timeout: 90_000 });
      const versions = await tableRows(frame, '.md-versions-table');
      assert.deepEqual(
        versions.map((r) => r[0]),
        ['v2.0.0', 'v1.2.0', 'v1.1.0', 'v1.0.0deregistered'],
      );
      assert.deepEqual(
        versions.map((r) => r[3]),
        ['staging', 'production', '', ''],
      );
      const headings = await frame.locator('.md-versions-table thead th').allTextContents();
      assert.deepEqual(headings.slice(4, 8), ['test.f1', 'test.precision', 'test.recall', 'test.roc_auc']);
      assert.equal(versions[0]?.[4], '0.8368 +0.0667', "v2.0.0's test f1 and its gain over v1.2.0");
      assert.equal((await frame.locator('.md-versions-table .md-better').count()) > 0, true, 'deltas coloured by goal');
      await iconsLoaded(frame);
      await session.wb.screenshot(`model-dashboard-board-${name}`);

      // A/B compare: production (v1.2.0) against staging (v2.0.0), the default pair.
      await frame.locator('.md-compare-bar vscode-button', { hasText: 'Compare' }).click();
      await frame.locator('.md-compare h2').filter({ hasText: 'fraud-classifier: v1.2.0 → v2.0.0' }).waitFor({
        timeout: 60_000,
      });
      const compare = await tableRows(frame, '.md-compare table');
      assert.ok(
        compare.some((r) => r.slice(0, 3).join('|') === 'test.f1|0.7701|0.8368'),
        JSON.stringify(compare.slice(0, 5)),
      );
      assert.ok(compare.some((r) => r.join('|') === 'train.model|random_forest|gradient_boosting'));
      assert.ok(compare.some((r) => r[0] === 'transactions (data/transactions.csv)' && r[1] === 'changed'));
      await frame.locator('.md-compare h2').scrollIntoViewIfNeeded();
      await session.wb.screenshot(`model-dashboard-compare-${name}`);

      // Lineage: the DVC pipeline as a graph; train and evaluate need a rerun.
      const nodes = frame.locator('.md-lineage svg text');
      await nodes.filter({ hasText: /^train$/ }).waitFor({ timeout: 60_000 });
      const texts = await nodes.allTextContents();
      for (const node of ['prepare', 'train', 'evaluate', 'data/transactions.csv', 'metrics/eval.json'])
        assert.ok(texts.includes(node), `the lineage graph shows ${node}`);
      assert.equal(texts.filter((t) => t === 'needs rerun').length, 2);
      await frame.locator('.md-lineage').scrollIntoViewIfNeeded();
      await session.wb.screenshot(`model-dashboard-lineage-${name}`);
    });

    it('fits the versions table and the lineage graph in the panel', async () => {
      const page = session.wb.page;
      const frame = webviewFrame(page);
      const region = frame.locator('.md-versions .scroll-region');
      await region.scrollIntoViewIfNeeded();

      // Words wrap only between words: no word of a cell is split over two lines, and a "Datasets changed" cell
      // holding one word is one line high.
      const cells = await frame.locator('.md-versions-table').evaluate((table) => {
        const lines = (range: Range) => new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top))).size;
        const broken: string[] = [];
        for (const cell of Array.from(table.querySelectorAll('tbody td'))) {
          const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode())
            for (const word of (node.textContent ?? '').matchAll(/\S+/g)) {
              const range = document.createRange();
              range.setStart(node, word.index);
              range.setEnd(node, word.index + word[0].length);
              if (lines(range) > 1) broken.push(word[0]);
            }
        }
        const column = Array.from(table.querySelectorAll('thead th'), (th) => th.textContent).indexOf(
          'Datasets changed',
        );
        const cell = table.querySelector(`tbody tr:first-child td:nth-child(${column + 1})`);
        const range = document.createRange();
        if (cell) range.selectNodeContents(cell);
        return {
          broken,
          datasets: cell?.textContent ?? '',
          datasetsLines: lines(range),
          datasetsHeight: range.getBoundingClientRect().height,
          lineHeight: cell ? parseFloat(getComputedStyle(cell).lineHeight) : 0,
          // Dates, versions, authors, stage tags and metric values (with their deltas) never wrap.
          wrapped: Array.from(table.querySelectorAll('tbody .md-nowrap, tbody .md-metric, tbody .md-tag'), (e) => [
            e.textContent ?? '',
            new Set(Array.from(e.getClientRects(), (r) => Math.round(r.top))).size,
          ]).filter(([, n]) => n !== 1),
        };
      });
      assert.deepEqual(cells.broken, [], 'no word is broken inside');
      assert.equal(cells.datasets, 'transactions');
      assert.equal(cells.datasetsLines, 1, 'the one-word datasets cell is one line');
      assert.ok(
        cells.datasetsHeight > 0 && cells.datasetsHeight < cells.lineHeight * 1.5,
        `one line high: ${cells.datasetsHeight} px, line ${cells.lineHeight} px`,
      );
      assert.deepEqual(cells.wrapped, [], 'dates, versions, authors, stages and metrics keep to one line');

      // The page itself never scrolls sideways: what is wider than the panel scrolls in its own container.
      const measure = () =>
        region.evaluate((r) => {
          const style = getComputedStyle(r);
          const table = r.querySelector('table');
          return {
            scrollWidth: r.scrollWidth,
            clientWidth: r.clientWidth,
            tableWidth: table?.getBoundingClientRect().width ?? 0,
            overflowX: style.overflowX,
            tabIndex: r.getAttribute('tabindex'),
            label: r.getAttribute('aria-label') ?? '',
            scrollbar:
              (r as HTMLElement).offsetHeight -
              r.clientHeight -
              parseFloat(style.borderTopWidth) -
              parseFloat(style.borderBottomWidth),
            pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          };
        });
      let box = await measure();
      assert.equal(box.pageOverflow, 0, 'the panel does not scroll sideways');
      if (box.scrollWidth <= box.clientWidth) {
        // The table fits this panel: then it is not a tab stop. Narrow its container to see it scroll.
        assert.ok(box.tableWidth <= box.clientWidth + 1, JSON.stringify(box));
        assert.equal(box.tabIndex, null, 'a container that does not scroll is no tab stop');
        await region.evaluate((r) => {
          (r as HTMLElement).style.maxWidth = '420px';
        });
        await frame.locator('.md-versions .scroll-region[tabindex="0"]').waitFor({ timeout: 5_000 });
        box = await measure();
      }
      assert.ok(box.scrollWidth > box.clientWidth, JSON.stringify(box));
      assert.ok(['auto', 'scroll'].includes(box.overflowX), `scrolls sideways: overflow-x ${box.overflowX}`);
      assert.equal(box.tabIndex, '0', 'keyboard users can focus the scrolling table');
      assert.equal(box.label, 'Versions of fraud-classifier, scrollable');
      assert.ok(box.scrollbar > 0, `a visible scrollbar (${box.scrollbar} px)`);

      // The arrow keys scroll the focused container.
      await region.focus();
      await page.keyboard.press('ArrowRight');
      await frame
        .locator('.md-versions .scroll-region.is-scrolled')
        .waitFor({ timeout: 5_000 })
        .catch(() => undefined);
      assert.ok((await region.evaluate((r) => r.scrollLeft)) > 0, 'ArrowRight scrolled the table');

      // Scrolled to its end, the Version column stays pinned at the left edge over an opaque background, and the last
      // column is in view.
      const pinned = await region.evaluate(async (r) => {
        const left = (selector: string) => r.querySelector(selector)?.getBoundingClientRect().left ?? NaN;
        // The arrow key's smooth scroll may still run: wait until the position holds still between frames.
        const settle = async () => {
          for (let last = NaN; r.scrollLeft !== last; ) {
            last = r.scrollLeft;
            await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
          }
        };
        await settle();
        r.scrollTo({ left: 0, behavior: 'instant' });
        await settle();
        const before = { version: left('tbody tr td:first-child'), date: left('tbody tr td:nth-child(2)') };
        r.scrollTo({ left: r.scrollWidth, behavior: 'instant' });
        await settle();
        const edge = r.getBoundingClientRect().left + r.clientLeft;
        const last = r.querySelector('thead th:last-child')?.getBoundingClientRect();
        const cell = r.querySelector('tbody tr td:first-child');
        return {
          scrollLeft: r.scrollLeft,
          edge,
          before,
          after: {
            header: left('thead th:first-child'),
            version: left('tbody tr td:first-child'),
            date: left('tbody tr td:nth-child(2)'),
          },
          lastRight: last?.right ?? NaN,
          right: r.getBoundingClientRect().left + r.clientLeft + r.clientWidth,
          position: cell ? getComputedStyle(cell).position : '',
          background: cell ? getComputedStyle(cell).backgroundColor : '',
          page: getComputedStyle(document.body).backgroundColor,
        };
      });
      assert.ok(pinned.scrollLeft > 0, JSON.stringify(pinned));
      assert.equal(pinned.position, 'sticky');
      assert.ok(
        Math.abs(pinned.after.version - pinned.edge) < 1,
        `the Version cell is pinned: ${JSON.stringify(pinned)}`,
      );
      assert.ok(Math.abs(pinned.after.header - pinned.edge) < 1, 'the Version heading is pinned');
      assert.ok(
        Math.abs(pinned.before.date - pinned.after.date - pinned.scrollLeft) < 1,
        `the other columns scrolled: ${JSON.stringify(pinned)}`,
      );
      assert.ok(pinned.lastRight <= pinned.right + 1, 'the last column can be brought into view');
      assert.equal(pinned.background, pinned.page, 'the pinned column has the editor background');
      assert.doesNotMatch(pinned.background, /rgba\(.*, 0\)|transparent/, 'an opaque background');
      await session.wb.screenshot(`model-dashboard-versions-scrolled-${name}`);
      await region.evaluate((r) => {
        r.scrollLeft = 0;
      });

      // The lineage graph fits the panel's width down to a legible scale; wider than that its container scrolls, and
      // the right-most node can be scrolled into view.
      const graph = frame.locator('.md-lineage .scroll-region');
      await graph.scrollIntoViewIfNeeded();
      const lineage = await graph.evaluate(async (r) => {
        const svg = r.querySelector('svg');
        const style = getComputedStyle(r);
        const box = svg?.getBoundingClientRect();
        const rightMost = () =>
          Math.max(...Array.from(r.querySelectorAll('.md-node'), (n) => n.getBoundingClientRect().right));
        const start = { svgRight: box?.right ?? NaN, rightMost: rightMost() };
        r.scrollLeft = r.scrollWidth;
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        return {
          start,
          atEnd: rightMost(),
          right: r.getBoundingClientRect().left + r.clientLeft + r.clientWidth,
          panel: document.documentElement.clientWidth,
          scale: (box?.width ?? 0) / (svg?.viewBox.baseVal.width ?? 1),
          fontSize: parseFloat(getComputedStyle(r.querySelector('.md-node text') ?? r).fontSize),
          scrollWidth: r.scrollWidth,
          clientWidth: r.clientWidth,
          overflowX: style.overflowX,
          tabIndex: r.getAttribute('tabindex'),
          label: r.getAttribute('aria-label') ?? '',
          scrollbar:
            (r as HTMLElement).offsetHeight -
            r.clientHeight -
            parseFloat(style.borderTopWidth) -
            parseFloat(style.borderBottomWidth),
        };
      });
      assert.ok(lineage.right <= lineage.panel, `the graph's container fits the panel: ${JSON.stringify(lineage)}`);
      assert.ok(lineage.fontSize * lineage.scale >= 10, `labels stay legible: ${lineage.fontSize * lineage.scale} px`);
      if (lineage.start.svgRight > lineage.right + 1) {
        assert.ok(lineage.scrollWidth > lineage.clientWidth, JSON.stringify(lineage));
        assert.ok(['auto', 'scroll'].includes(lineage.overflowX), `scrolls sideways: overflow-x ${lineage.overflowX}`);
        assert.equal(lineage.tabIndex, '0', 'keyboard users can focus the scrolling graph');
        assert.equal(lineage.label, 'Lineage graph, scrollable');
        assert.ok(lineage.scrollbar > 0, `a visible scrollbar (${lineage.scrollbar} px)`);
        assert.ok(
          lineage.atEnd <= lineage.right + 1,
          `the right-most node scrolls into view: ${JSON.stringify(lineage)}`,
        );
      } else assert.ok(lineage.start.rightMost <= lineage.right + 1, 'every node is in view');
      await session.wb.screenshot(`model-dashboard-lineage-scrolled-${name}`);
      await graph.evaluate((r) => {
        r.scrollLeft = 0;
      });
    });

    it('renders a model whose name is markup as text', async () => {
      const page = session.wb.page;
      const frame = webviewFrame(page);
      const options = await frame.locator('#md-model vscode-option').allTextContents();
      assert.ok(options.includes(HOSTILE), `the model picker lists the name as text: ${options.join(' | ')}`);
      await frame.locator('#md-model').evaluate((select, value) => {
        (select as HTMLElement & { value: string }).value = value;
        select.dispatchEvent(new Event('change'));
      }, HOSTILE);
      await frame.locator('.md-model h2').filter({ hasText: HOSTILE }).waitFor({ timeout: 30_000 });
      assert.equal(await frame.locator('.md-model h2').textContent(), HOSTILE);
      assert.equal(
        await frame.locator('.md-model .md-subtitle').textContent(),
        '<b>bold</b> & <script>alert(2)</script>',
      );
      const made = await frame.locator('body').evaluate(() => ({
        elements: document.querySelectorAll('img, b, [onerror]').length,
        scripts: Array.from(document.scripts).filter((s) => (s.textContent ?? '').includes('alert')).length,
      }));
      assert.deepEqual(made, { elements: 0, scripts: 0 }, 'no element made from the name or the description');
      await frame.locator('.md-model').scrollIntoViewIfNeeded();
      await session.wb.screenshot(`model-dashboard-hostile-${name}`);
      assert.deepEqual(dialogs, [], 'no dialog opened');
    });
  });
}
