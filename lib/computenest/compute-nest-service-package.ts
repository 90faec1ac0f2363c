import * as YAML from 'yaml';
import { GpuRequirement } from '../compute/gpu-requirement';
import { QwenModel } from '../compute/models';
import { RawMap, extraOf, isMap, mapField } from './private/config-fields';
import { Artifact } from './artifact';
import { ImageBuilder } from './image-builder';
import { Service } from './service';

/** A ROS template: a template object (e.g. a synthesized stack's template) or YAML/JSON text. */
export type TemplateSource = Record<string, unknown> | string;

/** A file of the service folder other than config.yaml and the templates. */
export interface ServiceFile {
  /** Path inside the service folder, e.g. `docs/index.md` or `icons/service_logo.png`. */
  readonly path: string;
  /** File content. */
  readonly content: string | Uint8Array;
}

/** Props of {@link ComputeNestServicePackage}. */
export interface ComputeNestServicePackageProps {
  /** The service definition (config.yaml `Service`). */
  readonly service: Service;
  /**
   * ECS image artifacts (config.yaml `Artifact`).
   * @default []
   */
  readonly artifacts?: Artifact[];
  /**
   * Image builders (config.yaml `ImageBuilder`).
   * @default []
   */
  readonly imageBuilders?: ImageBuilder[];
  /**
   * The templates, keyed by the path config.yaml's TemplateConfigs name for them.
   * @default {} (writeServiceFolder then fails: every TemplateConfigs Url needs a template)
   */
  readonly templates?: Record<string, TemplateSource>;
  /**
   * The model the image is built for (the image builder's instance type must fit it).
   * @default QwenModel.QWEN_14B_CHAT
   */
  readonly model?: GpuRequirement;
  /**
   * The service document (e.g. `docs/index.md`).
   * @default - none
   */
  readonly serviceDoc?: ServiceFile;
  /**
   * The service icon; its path must be the ServiceInfo Image path.
   * @default - none
   */
  readonly icon?: ServiceFile;
  /**
   * Further top-level config.yaml keys passed through verbatim.
   * @default - none
   */
  readonly extraProperties?: Record<string, unknown>;
}

const TOP_KEYS = ['Service', 'Artifact', 'ImageBuilder'];

/** A Compute Nest service package: config.yaml plus the templates, doc and icon it names. */
export class ComputeNestServicePackage {
  /** Parses config.yaml text into typed objects (templates, doc and icon are not read). */
  public static fromYaml(text: string): ComputeNestServicePackage {
    const raw: unknown = YAML.parse(text);
    if (!isMap(raw)) throw new Error(`ComputeNestServicePackage: config.yaml must be a mapping, got ${JSON.stringify(raw)}.`);
    const section = (key: string): RawMap => (raw[key] === undefined ? {} : mapField('config.yaml', raw, key));
    const imageBuilders = Object.entries(section('ImageBuilder')).map(([id, v]) => {
      if (!isMap(v)) throw new Error(`config.yaml: ImageBuilder.${id} must be a mapping, got ${JSON.stringify(v)}.`);
      return ImageBuilder.fromConfig(id, v);
    });
    const artifacts = Object.entries(section('Artifact')).map(([id, v]) => {
      if (!isMap(v)) throw new Error(`config.yaml: Artifact.${id} must be a mapping, got ${JSON.stringify(v)}.`);
      return Artifact.fromConfig(id, v);
    });
    return new ComputeNestServicePackage({
      service: Service.fromConfig(mapField('config.yaml', raw, 'Service')),
      artifacts,
      imageBuilders,
      extraProperties: extraOf(raw, TOP_KEYS),
    });
  }

  /** The service definition. */
  public readonly service: Service;
  /** Artifacts. */
  public readonly artifacts: Artifact[];
  /** Image builders. */
  public readonly imageBuilders: ImageBuilder[];
  /** Templates keyed by path. */
  public readonly templates: Record<string, TemplateSource>;
  /** The model the image is built for. */
  public readonly model: GpuRequirement;
  /** The props this object was built from. */
  public readonly props: ComputeNestServicePackageProps;

  constructor(props: ComputeNestServicePackageProps) {
    this.props = props;
    this.service = props.service;
    this.artifacts = [...(props.artifacts ?? [])];
    this.imageBuilders = [...(props.imageBuilders ?? [])];
    this.templates = { ...(props.templates ?? {}) };
    this.model = props.model ?? QwenModel.QWEN_14B_CHAT;
    for (const [kind, ids] of [['artifacts', this.artifacts.map((a) => a.id)], ['imageBuilders', this.imageBuilders.map((b) => b.id)]] as const) {
      const dup = ids.find((id, i) => ids.indexOf(id) !== i);
      if (dup !== undefined) throw new Error(`ComputeNestServicePackage: ${kind} id '${dup}' is used twice; give each a unique id.`);
    }
    for (const [k] of Object.entries(props.extraProperties ?? {})) {
      if (TOP_KEYS.includes(k)) throw new Error(`ComputeNestServicePackage: extraProperties key '${k}' is a typed section; use the typed prop.`);
    }
  }

  /** The config.yaml object. */
  public toConfig(): RawMap {
    const out: RawMap = { Service: this.service.toConfig() };
    if (this.artifacts.length > 0) out.Artifact = Object.fromEntries(this.artifacts.map((a) => [a.id, a.toConfig()]));
    if (this.imageBuilders.length > 0) out.ImageBuilder = Object.fromEntries(this.imageBuilders.map((b) => [b.id, b.toConfig()]));
    return { ...out, ...(this.props.extraProperties ?? {}) };
  }

  /** config.yaml text (deterministic: fixed key order, no line folding). */
  public toYaml(): string {
    return YAML.stringify(this.toConfig(), { lineWidth: 0 });
  }
}
