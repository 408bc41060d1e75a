// The registry state derived from GTO tags: stage history per version, the stage holders `gto show` shows, and
// deregistration and deprecation.
import assert from 'node:assert/strict';
import type { TagRecord } from '../../../src/core/git/commands';
import { gtoModels } from '../../../src/core/registry/gtoState';

const C1 = '1'.repeat(40);
const C2 = '2'.repeat(40);
const C3 = '3'.repeat(40);

function tag(name: string, commit: string, second: number, extra: Partial<TagRecord> = {}): TagRecord {
  return {
    name,
    annotated: true,
    commit,
    taggerDate: second * 1000,
    tagger: 'Ana',
    taggerEmail: 'ana@example.com',
    message: `msg ${name}\n`,
    ...extra,
  };
}

describe('GTO registry state', () => {
  const tags = [
    tag('m@v1.0.0', C1, 1),
    tag('m#staging#1', C1, 2),
    tag('m#production#2', C1, 3),
    tag('m@v1.1.0', C2, 4),
    tag('m#staging#3', C2, 5),
    tag('m@v1.2.0', C3, 6),
    tag('m#production#4', C3, 7),
    tag('m#production!#5', C3, 8),
    tag('lightweight@v9.0.0', C1, 9, { annotated: false }),
    tag('release-1', C1, 10),
  ];

  it('gives each stage to the version assigned it last, and back to the previous one after an unassignment', () => {
    const [m, ...others] = gtoModels(tags);
    assert.equal(others.length, 0, 'lightweight and non-GTO tags are ignored');
    assert.equal(m.name, 'm');
    assert.equal(m.latest, 'v1.2.0');
    assert.deepEqual(m.stages, { staging: ['v1.1.0'], production: ['v1.0.0'] });
    assert.deepEqual(
      m.versions.map((v) => [v.version, v.stages]),
      [
        ['v1.2.0', []],
        ['v1.1.0', ['staging']],
        ['v1.0.0', ['production']],
      ],
    );
  });

  it('lists every holder with versionsPerStage -1 (gto show --vs -1)', () => {
    const [m] = gtoModels(tags, { versionsPerStage: -1 });
    assert.deepEqual(m.stages, { staging: ['v1.1.0', 'v1.0.0'], production: ['v1.0.0'] });
  });

  it('keeps each version’s history in order with who, when, tag and message', () => {
    const v = gtoModels(tags)[0].versions.find((x) => x.version === 'v1.2.0')!;
    assert.deepEqual(
      v.events.map((e) => [e.kind, e.stage, e.tag, e.time]),
      [
        ['registered', undefined, 'm@v1.2.0', 6000],
        ['assigned', 'production', 'm#production#4', 7000],
        ['unassigned', 'production', 'm#production!#5', 8000],
      ],
    );
    assert.equal(v.author, 'Ana');
    assert.equal(v.message, 'msg m@v1.2.0');
    assert.equal(v.commit, C3);
  });

  it('drops a deregistered version from the stages and the latest, and marks a deprecated model', () => {
    const [m] = gtoModels([...tags, tag('m@v1.0.0!', C1, 11), tag('m@v1.2.0!', C3, 12), tag('m@deprecated', C3, 13)]);
    assert.equal(m.latest, 'v1.1.0');
    assert.deepEqual(m.stages, { staging: ['v1.1.0'] });
    assert.equal(m.versions.find((v) => v.version === 'v1.0.0')!.active, false);
    assert.equal(m.deprecated, true);
    const [again] = gtoModels([...tags, tag('m@deprecated', C3, 13), tag('m@v1.3.0', C3, 14)]);
    assert.equal(again.deprecated, false, 'a newer event makes the model active again');
  });

  it('attaches a stage given to a commit without a version to that commit', () => {
    const [m] = gtoModels([tag('x#dev#1', C2, 1)]);
    assert.equal(m.latest, undefined);
    assert.deepEqual(m.stages, { dev: [C2] });
    assert.equal(m.versions[0].registered, false);
  });

  it('applies tags in tagger-date order, whatever order they are listed in', () => {
    const shuffled = [...tags].reverse();
    assert.deepEqual(gtoModels(shuffled)[0].stages, gtoModels(tags)[0].stages);
  });

  it('reads an artifact with a path (path=name in the tag) as path:name', () => {
    assert.equal(gtoModels([tag('models/a=churn@v0.0.1', C1, 1)])[0].name, 'models/a:churn');
  });
});
