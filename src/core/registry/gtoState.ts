// The registry state GTO derives from its tags, derived the same way: tags are read in tagger-date order
// (lightweight tags are ignored); version tags are applied before stage tags; a stage tag attaches to the version
// registered at its commit (else to the commit itself); a version is active unless its newest version event is a
// deregistration; a stage is held while its newest event for that version is an assignment; and, as `gto show`
// shows by default, each stage is held by the version whose assignment is newest (or by every version holding it,
// newest first, when all are asked for). A model is deprecated while its newest event is a deprecation.
import type { TagRecord } from '../git/commands';
import {
  compareParsedVersions,
  compareVersions,
  isValidVersion,
  parseGtoTag,
  parseVersion,
  type GtoTag,
} from '../formats/gto/tags';
import type { ModelVersion, RegistryEvent, RegistryModel } from './model';

export interface GtoStateOptions {
  /** Versions listed per stage: 1 (GTO's default: the newest assignment wins) or -1 for all that hold it. */
  versionsPerStage?: number;
}

interface TagEvent {
  parsed: GtoTag;
  record: TagRecord & { commit: string };
  time: number;
  order: number;
}

interface VersionState {
  version: string;
  commit: string;
  direct: TagEvent[];
  stages: Map<string, TagEvent[]>;
}

const KIND = {
  register: 'registered',
  deregister: 'deregistered',
  assign: 'assigned',
  unassign: 'unassigned',
  deprecate: 'deprecated',
} as const;

function toEvent(e: TagEvent, version?: string): RegistryEvent {
  const event: RegistryEvent = {
    kind: KIND[e.parsed.action as keyof typeof KIND],
    model: e.parsed.name,
    time: e.time,
    tag: e.record.name,
    commit: e.record.commit,
    source: 'gto',
  };
  if (version !== undefined) event.version = version;
  if (e.parsed.stage !== undefined) event.stage = e.parsed.stage;
  if (e.record.tagger) event.author = e.record.tagger;
  if (e.record.taggerEmail) event.authorEmail = e.record.taggerEmail;
  const message = e.record.message.trim();
  if (message) event.message = message;
  return event;
}

const byTime = (a: TagEvent, b: TagEvent): number =>
  a.time - b.time || (a.parsed.counter ?? 0) - (b.parsed.counter ?? 0) || a.order - b.order;

/** The GTO tags among `tags` as one model per artifact. */
export function gtoModels(tags: readonly TagRecord[], options: GtoStateOptions = {}): RegistryModel[] {
  const perStage = options.versionsPerStage ?? 1;
  const events: TagEvent[] = [];
  tags.forEach((record, order) => {
    if (!record.annotated || record.commit === undefined) return;
    const parsed = parseGtoTag(record.name);
    if (!parsed || parsed.action === 'create') return;
    events.push({ parsed, record: record as TagRecord & { commit: string }, time: record.taggerDate ?? 0, order });
  });
  events.sort(byTime);

  const byModel = new Map<string, TagEvent[]>();
  for (const e of events) {
    const list = byModel.get(e.parsed.name);
    if (list) list.push(e);
    else byModel.set(e.parsed.name, [e]);
  }

  const models: RegistryModel[] = [];
  for (const [name, list] of byModel) {
    const versions = new Map<string, VersionState>();
    const deprecations = list.filter((e) => e.parsed.action === 'deprecate');
    for (const e of list) {
      if (e.parsed.action !== 'register' && e.parsed.action !== 'deregister') continue;
      const key = `${e.parsed.version ?? ''}\0${e.record.commit}`;
      let v = versions.get(key);
      if (!v)
        versions.set(
          key,
          (v = { version: e.parsed.version ?? '', commit: e.record.commit, direct: [], stages: new Map() }),
        );
      v.direct.push(e);
    }
    for (const e of list) {
      if (e.parsed.action !== 'assign' && e.parsed.action !== 'unassign') continue;
      const atCommit = [...versions.values()].filter((v) => v.direct.length > 0 && v.commit === e.record.commit);
      let v = atCommit.sort((a, b) => byTime(a.direct.at(-1)!, b.direct.at(-1)!)).at(-1);
      if (!v) {
        const key = `\0${e.record.commit}`;
        v = versions.get(key);
        if (!v)
          versions.set(key, (v = { version: e.record.commit, commit: e.record.commit, direct: [], stages: new Map() }));
      }
      const stage = e.parsed.stage ?? '';
      const stageEvents = v.stages.get(stage);
      if (stageEvents) stageEvents.push(e);
      else v.stages.set(stage, [e]);
    }

    const isActive = (v: VersionState): boolean =>
      v.direct.length ? v.direct.at(-1)!.parsed.action === 'register' : v.stages.size > 0;
    // Assignments in force: (version, stage, time of its newest assignment), newest first.
    const held: { v: VersionState; stage: string; time: TagEvent }[] = [];
    for (const v of versions.values()) {
      if (!isActive(v)) continue;
      for (const [stage, stageEvents] of v.stages) {
        const last = stageEvents.at(-1)!;
        if (last.parsed.action !== 'assign') continue;
        held.push({ v, stage, time: last });
      }
    }
    held.sort((a, b) => byTime(b.time, a.time));
    const stages: Record<string, string[]> = {};
    const holding = new Map<VersionState, string[]>();
    for (const h of held) {
      const list = (stages[h.stage] ??= []);
      if (perStage > -1 && list.length >= perStage) continue;
      if (list.includes(h.v.version)) continue;
      list.push(h.v.version);
      holding.set(h.v, [...(holding.get(h.v) ?? []), h.stage]);
    }

    const modelVersions: ModelVersion[] = [];
    for (const v of versions.values()) {
      const registration = v.direct.filter((e) => e.parsed.action === 'register').at(-1);
      const stageEvents = [...v.stages.values()].flat();
      const authoring = registration ?? stageEvents.sort(byTime)[0];
      const all = [...v.direct, ...stageEvents].sort(byTime);
      const mv: ModelVersion = {
        model: name,
        version: v.version,
        source: 'gto',
        registered: v.direct.some((e) => e.parsed.action === 'register'),
        active: isActive(v),
        commit: v.commit,
        stages: (holding.get(v) ?? []).slice().reverse(),
        aliases: [],
        events: all.map((e) => toEvent(e, v.version)),
      };
      if (authoring) {
        mv.createdAt = authoring.time;
        if (authoring.record.tagger) mv.author = authoring.record.tagger;
        if (authoring.record.taggerEmail) mv.authorEmail = authoring.record.taggerEmail;
        const message = authoring.record.message.trim();
        if (message) mv.message = message;
        mv.tag = authoring.record.name;
        if (authoring.record.commitAuthor) mv.commitAuthor = authoring.record.commitAuthor;
        if (authoring.record.commitDate !== undefined) mv.commitDate = authoring.record.commitDate;
        if (authoring.record.commitSubject !== undefined) mv.commitSubject = authoring.record.commitSubject;
      }
      modelVersions.push(mv);
    }
    sortNewestFirst(modelVersions);
    const last = list.at(-1);
    const latest = modelVersions.find((v) => v.registered && v.active && isValidVersion(v.version));
    const model: RegistryModel = {
      name,
      labels: [],
      sources: ['gto'],
      deprecated: last?.parsed.action === 'deprecate',
      stages,
      versions: modelVersions,
      events: deprecations.map((e) => toEvent(e)),
    };
    if (latest) model.latest = latest.version;
    models.push(model);
  }
  return models.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Semantic versions in order, then other version names (commit shas, MLflow numbers) in numeric-aware order. */
export function compareModelVersions(a: string, b: string): number {
  const va = isValidVersion(a);
  const vb = isValidVersion(b);
  if (va && vb) return compareVersions(a, b);
  if (va !== vb) return va ? 1 : -1;
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts versions newest first (compareModelVersions, descending), parsing each version name once. */
export function sortNewestFirst(versions: ModelVersion[]): void {
  const keyed = versions.map((v) => ({
    v,
    semver: parseVersion(v.version),
    numeric: /^\d+$/.test(v.version) ? Number(v.version) : undefined,
  }));
  keyed.sort((b, a) => {
    if (a.semver && b.semver) return compareParsedVersions(a.semver, b.semver);
    if (a.semver || b.semver) return a.semver ? 1 : -1;
    if (a.numeric !== undefined && b.numeric !== undefined) return a.numeric - b.numeric;
    return a.v.version < b.v.version ? -1 : a.v.version > b.v.version ? 1 : 0;
  });
  keyed.forEach((k, i) => (versions[i] = k.v));
}
