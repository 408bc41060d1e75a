// Secret detection for notebook sources and outputs. Findings never carry the secret itself: only its kind,
// its position and a mask (at most the first four characters of a long token, followed by an ellipsis).

export interface SecretMatch {
  /** Stable kind id, e.g. `aws-access-key-id`. */
  kind: string;
  /** Words for messages, e.g. `AWS access key id`. */
  label: string;
  /** Offset of the secret value in the scanned text. */
  offset: number;
  length: number;
  /** What a message may show instead of the value. */
  masked: string;
}

interface Detector {
  kind: string;
  label: string;
  pattern: RegExp;
  /** Index of the capture group holding the secret value. */
  group: number;
  /** Whether the mask may show the first four characters (long random tokens with a well-known prefix). */
  showPrefix: boolean;
  accept?: (value: string) => boolean;
}

/** Shannon entropy of a string in bits per character. */
export function shannonEntropy(value: string): number {
  if (!value) return 0;
  const counts = new Map<string, number>();
  for (const c of value) counts.set(c, (counts.get(c) ?? 0) + 1);
  let entropy = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

const PLACEHOLDER =
  /^(?:\*+|x+|\.+|<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|%\([^)]*\)s|changeme|change-me|password|secret|your[_-]?\w*|example\w*|redacted|dummy|test|none|null|todo|\.\.\.)$/i;

const DETECTORS: Detector[] = [
  {
    kind: 'private-key',
    label: 'private key block',
    pattern: /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?)-----/dg,
    group: 0,
    showPrefix: false,
  },
  {
    kind: 'aws-access-key-id',
    label: 'AWS access key id',
    pattern: /\b((?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16})\b/dg,
    group: 1,
    showPrefix: true,
  },
  {
    kind: 'aws-secret-access-key',
    label: 'AWS secret access key',
    pattern: /aws_?secret_?access_?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/dgi,
    group: 1,
    showPrefix: false,
  },
  {
    kind: 'github-token',
    label: 'GitHub token',
    pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,255})\b/dg,
    group: 1,
    showPrefix: true,
  },
  {
    kind: 'github-token',
    label: 'GitHub token',
    pattern: /\b(github_pat_[A-Za-z0-9_]{22,255})\b/dg,
    group: 1,
    showPrefix: true,
  },
  {
    kind: 'slack-token',
    label: 'Slack token',
    pattern: /\b(xox[abposr]-[A-Za-z0-9-]{10,250})\b/dg,
    group: 1,
    showPrefix: true,
  },
  {
    kind: 'slack-webhook',
    label: 'Slack webhook URL',
    pattern: /(https:\/\/hooks\.slack\.com\/services\/T[A-Za-z0-9_]+\/B[A-Za-z0-9_]+\/[A-Za-z0-9_]+)/dg,
    group: 1,
    showPrefix: false,
  },
  {
    kind: 'openai-api-key',
    label: 'OpenAI-style API key',
    pattern: /\b(sk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_-]{20,})/dg,
    group: 1,
    showPrefix: true,
    accept: (value) => /\d/.test(value) && /[A-Za-z]/.test(value.slice(3)) && shannonEntropy(value) >= 3,
  },
  {
    kind: 'password',
    label: 'password',
    pattern: /\b(?:password|passwd|pwd)\b["']?\s*[:=]\s*(["'])([^"'\r\n]{4,})\1/dgi,
    group: 2,
    showPrefix: false,
    accept: (value) => !PLACEHOLDER.test(value.trim()),
  },
  {
    kind: 'generic-api-key',
    label: 'high-entropy API key or token',
    pattern:
      /\b(?:api[_-]?key|apikey|secret[_-]?key|client[_-]?secret|access[_-]?token|auth[_-]?token|private[_-]?token|secret|token)\b["']?\s*[:=]\s*(["']?)([A-Za-z0-9_\-+/=.]{16,})\1/dgi,
    group: 2,
    showPrefix: true,
    accept: (value) =>
      !PLACEHOLDER.test(value) && shannonEntropy(value) >= 3.5 && /\d/.test(value) && /[A-Za-z]/.test(value),
  },
];

/** A mask for a secret: the first four characters of a long prefixed token, or nothing, then an ellipsis. */
export function maskSecret(value: string, showPrefix: boolean): string {
  return showPrefix && value.length >= 16 ? `${value.slice(0, 4)}…` : '…';
}

/** Every secret-looking value in `text`, in order of position; overlapping matches are reported once. */
export function findSecrets(text: string): SecretMatch[] {
  const matches: SecretMatch[] = [];
  for (const detector of DETECTORS) {
    const pattern = new RegExp(detector.pattern);
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      const value = m[detector.group];
      if (!value) continue;
      const offset = m.indices?.[detector.group]?.[0] ?? m.index + m[0].lastIndexOf(value);
      if (detector.accept && !detector.accept(value)) continue;
      if (matches.some((other) => offset < other.offset + other.length && other.offset < offset + value.length))
        continue;
      matches.push({
        kind: detector.kind,
        label: detector.label,
        offset,
        length: value.length,
        masked: maskSecret(value, detector.showPrefix),
      });
    }
  }
  return matches.sort((a, b) => a.offset - b.offset);
}
