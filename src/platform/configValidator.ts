import { ConfigValidator } from '../core/formats/mlopsYaml/validate';

let shared: ConfigValidator | undefined;

/** One compiled mlops.yaml validator for the extension, compiled on first use (not during activation). */
export function sharedValidator(): ConfigValidator {
  shared ??= new ConfigValidator();
  return shared;
}
