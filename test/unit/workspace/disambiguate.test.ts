import assert from 'node:assert/strict';
import { distinguishingLabels, ROOT_LABEL, type Nameable } from '../../../src/core/workspace/disambiguate';

/** The labels by path, for readable assertions. */
function labels(items: Nameable[]): Record<string, string> {
  const out: Record<string, string> = {};
  const found = distinguishingLabels(items);
  items.forEach((item, index) => {
    const label = found.get(index);
    if (label !== undefined) out[item.path] = label;
  });
  return out;
}

const named = (key: string, ...paths: string[]): Nameable[] => paths.map((path) => ({ key, path }));

describe('distinguishingLabels', () => {
  it('gives nothing to items whose name is unique', () => {
    assert.deepEqual(labels([...named('train', 'data/train.csv'), ...named('test', 'data/test.csv')]), {});
    assert.deepEqual(labels([]), {});
  });

  it('describes two notebooks named homework by their folders', () => {
    assert.deepEqual(labels(named('homework', 'week-01/homework.ipynb', 'week-02/homework.ipynb')), {
      'week-01/homework.ipynb': 'week-01',
      'week-02/homework.ipynb': 'week-02',
    });
  });

  it('uses the shortest folder suffix that differs, marked as shortened', () => {
    assert.deepEqual(
      labels([...named('train', 'data/a/train.csv', 'data/b/train.csv'), ...named('other', 'data/a/other.csv')]),
      { 'data/a/train.csv': '…/a', 'data/b/train.csv': '…/b' },
    );
    assert.deepEqual(labels(named('model', 'exp1/out/model.pt', 'exp2/out/model.pt', 'exp2/best/model.pt')), {
      'exp1/out/model.pt': 'exp1/out',
      'exp2/out/model.pt': 'exp2/out',
      'exp2/best/model.pt': '…/best',
    });
  });

  it('names the root for a top-level item beside a namesake in a folder', () => {
    assert.deepEqual(labels(named('data', 'data.csv', 'raw/data.csv')), {
      'data.csv': ROOT_LABEL,
      'raw/data.csv': 'raw',
    });
  });

  it('tells apart x beside x.h5 in one folder by the file name', () => {
    assert.deepEqual(labels(named('x', 'models/x', 'models/x.h5')), { 'models/x': 'x', 'models/x.h5': 'x.h5' });
    assert.deepEqual(labels(named('x', 'models/x', 'models/x.h5', 'old/x.h5')), {
      'models/x': 'models · x',
      'models/x.h5': 'models · x.h5',
      'old/x.h5': 'old',
    });
  });

  it('keeps a folder that is a suffix of another apart from it', () => {
    assert.deepEqual(labels(named('m', 'a/b/m.pt', 'b/m.pt')), { 'a/b/m.pt': 'a/b', 'b/m.pt': 'b' });
  });

  it('compares keys, not names alone: versions of one model are not ambiguous', () => {
    assert.deepEqual(
      labels([
        { key: 'churn\0v1', path: 'mlruns' },
        { key: 'churn\0v2', path: 'mlruns' },
      ]),
      {},
    );
  });
});
