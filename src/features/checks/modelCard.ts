// The model card a "Create model card" quick fix writes: the facts mlops.yaml already knows, and headings for the
// rest. Plain text in, Markdown out; no VS Code API.
import type { MlopsConfig, ModelConfig } from '../../core/formats/mlopsYaml/model';

export const MODEL_CARD_FILE = 'model_card.md';

const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/** A model card for one model of the configuration. */
export function modelCardTemplate(model: ModelConfig, config: MlopsConfig): string {
  const datasets = model.datasets.map((name) => {
    const dataset = config.datasets.find((d) => d.name === name);
    return dataset ? `- ${name}: ${code(dataset.path)}` : `- ${name}`;
  });
  const thresholds = config.metrics
    .filter((m) => m.threshold !== undefined && m.goal !== undefined)
    .map(
      (m) =>
        `- ${m.label ?? m.key}: ${m.goal === 'maximize' ? 'at least' : 'at most'} ${m.threshold}${m.unit ? ` ${m.unit}` : ''}`,
    );
  return [
    `# ${model.name}`,
    '',
    'What the model is for, what it was trained and evaluated on, and who answers for it.',
    '',
    '## Overview',
    '',
    `- File: ${code(model.path)}`,
    `- Owner: ${model.owner ?? '_the team or person responsible_'}`,
    `- Stage: ${model.stage ?? 'dev'}`,
    '',
    '## Intended use',
    '',
    '_Who uses the model, for what decisions, and what it must not be used for._',
    '',
    '## Training data',
    '',
    ...(datasets.length
      ? datasets
      : ['_The datasets the model is trained on (add them under `datasets:` of the model in mlops.yaml)._']),
    '',
    '## Evaluation',
    '',
    ...(model.metrics.length
      ? model.metrics.map((m) => `- Metrics: ${code(m)}`)
      : ['_Where the evaluation results are written._']),
    ...(thresholds.length ? ['', 'Thresholds the pipeline checks enforce:', '', ...thresholds] : []),
    '',
    '## Limitations and risks',
    '',
    '_Known failure modes, biases, and data the model has not seen._',
    '',
  ].join('\n');
}
