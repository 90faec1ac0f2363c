import * as fs from 'fs';
import * as path from 'path';

/**
 * The reference service this library replaces (the hand-written Qwen-14B-Chat template and its
 * Compute Nest config.yaml), vendored under test/fixtures/reference/.
 */
export const REFERENCE_DIR = path.resolve(__dirname, '..', 'fixtures', 'reference');
/** The reference ROS template (YAML). */
export const REFERENCE_TEMPLATE = path.join(REFERENCE_DIR, 'template.yaml');
/** The reference Compute Nest config.yaml. */
export const REFERENCE_CONFIG = path.join(REFERENCE_DIR, 'config.yaml');

/** A reference file's text. */
export function readReference(file: string): string {
  return fs.readFileSync(file, 'utf8');
}
