import { OsBase } from '../image/os-base';
import {
  RawMap, enumMember, extraOf, optNumber, optString, renderWithExtra, reqString, requireNonEmpty,
} from './private/config-fields';
import { CommandType } from './service-types';

/** Props of {@link ImageBuilder}. */
export interface ImageBuilderProps {
  /**
   * Key under config.yaml `ImageBuilder`, referenced as `${ImageBuilder.<id>.…}`.
   * @default 'Image_1'
   */
  readonly id?: string;
  /** Region the image is built in, e.g. `ap-southeast-1`. */
  readonly regionId: string;
  /**
   * The operating system of the image: its public GPU image is the source image (see OsBase.sourceImageId).
   * The legacy OsBase.CENTOS_7 prints an end-of-life warning.
   * @default - the built-in base whose image sourceImageId is, else OsBase.ALIBABA_CLOUD_LINUX_3
   */
  readonly osBase?: OsBase;
  /**
   * Source image (an image ID or an OOS public parameter reference), for an image other than the base's own.
   * @default - osBase.sourceImageId (Alibaba Cloud Linux 3: Compute Nest's CUDA 12.4 GPU image)
   */
  readonly sourceImageId?: string;
  /**
   * Instance type the build runs on; it must be able to load the model the image is built for
   * (checked by validateServicePackage).
   * @default 'ecs.gn7i-c32g1.16xlarge' (2 x A10, 48 GiB GPU memory in total)
   */
  readonly instanceType?: string;
  /**
   * Public bandwidth of the build instance, Mbit/s.
   * @default 100
   */
  readonly internetMaxBandwidthOutMbps?: number;
  /**
   * Cloud Assistant command type.
   * @default CommandType.RUN_SHELL_SCRIPT
   */
  readonly commandType?: CommandType;
  /**
   * Build command timeout in seconds.
   * @default 10800
   */
  readonly timeoutSeconds?: number;
  /** The build script (render it with `renderImageBuildScript`). */
  readonly commandContent: string;
  /**
   * Image tags.
   * @default []
   */
  readonly tags?: unknown[];
  /**
   * Further ImageBuilder keys passed through verbatim (future Compute Nest fields).
   * @default - none
   */
  readonly extraProperties?: Record<string, unknown>;
}

/** Default source image: the default base's (Alibaba Cloud Linux 3) Compute Nest GPU image. */
export const DEFAULT_GPU_SOURCE_IMAGE = OsBase.ALIBABA_CLOUD_LINUX_3.sourceImageId;
/** Default build instance type: 2 x NVIDIA A10 (48 GiB), enough for a 14B model in 16-bit. */
export const DEFAULT_IMAGE_BUILDER_INSTANCE_TYPE = 'ecs.gn7i-c32g1.16xlarge';

const OWNER = 'ImageBuilder';
const KEYS = ['RegionId', 'SourceImageId', 'InstanceType', 'InternetMaxBandwidthOut', 'CommandType', 'Timeout',
  'Tags', 'CommandContent'];

/** config.yaml `ImageBuilder.<id>`: how Compute Nest builds the ECS image artifact. */
export class ImageBuilder {
  /** Parses one config.yaml `ImageBuilder.<id>` mapping. */
  public static fromConfig(id: string, raw: RawMap): ImageBuilder {
    const owner = `${OWNER} '${id}'`;
    return new ImageBuilder({
      id,
      regionId: reqString(owner, raw, 'RegionId'),
      sourceImageId: optString(owner, raw, 'SourceImageId'),
      instanceType: optString(owner, raw, 'InstanceType'),
      internetMaxBandwidthOutMbps: optNumber(owner, raw, 'InternetMaxBandwidthOut'),
      commandType: optString(owner, raw, 'CommandType') as CommandType | undefined,
      timeoutSeconds: optNumber(owner, raw, 'Timeout'),
      tags: Array.isArray(raw.Tags) ? raw.Tags : undefined,
      commandContent: reqString(owner, raw, 'CommandContent'),
      extraProperties: extraOf(raw, KEYS),
    });
  }

  /** Key under config.yaml `ImageBuilder`. */
  public readonly id: string;
  /** Build region. */
  public readonly regionId: string;
  /** Source image. */
  public readonly sourceImageId: string;
  /** The operating system of the source image, if known (a built-in base's image, or osBase given). */
  public readonly osBase?: OsBase;
  /** Build instance type. */
  public readonly instanceType: string;
  /** Public bandwidth, Mbit/s. */
  public readonly internetMaxBandwidthOutMbps: number;
  /** Cloud Assistant command type. */
  public readonly commandType: CommandType;
  /** Build command timeout, seconds. */
  public readonly timeoutSeconds: number;
  /** The build script. */
  public readonly commandContent: string;
  /** The props this object was built from. */
  public readonly props: ImageBuilderProps;

  constructor(props: ImageBuilderProps) {
    this.props = props;
    this.id = props.id ?? 'Image_1';
    this.regionId = props.regionId;
    const known = props.sourceImageId === undefined ? undefined : OsBase.fromSourceImageId(props.sourceImageId);
    if (props.osBase !== undefined && known !== undefined && known !== props.osBase) {
      throw new Error(`${OWNER}: prop 'sourceImageId' '${props.sourceImageId}' is ${known.displayName}'s image, not osBase ${props.osBase.displayName}'s: `
        + `leave sourceImageId out to use '${props.osBase.sourceImageId}', or set osBase to OsBase.fromKey('${known.key}').`);
    }
    this.osBase = props.osBase ?? (props.sourceImageId === undefined ? OsBase.ALIBABA_CLOUD_LINUX_3 : known);
    this.sourceImageId = props.sourceImageId ?? (this.osBase ?? OsBase.ALIBABA_CLOUD_LINUX_3).sourceImageId;
    this.osBase?.warnIfLegacy(OWNER);
    this.instanceType = props.instanceType ?? DEFAULT_IMAGE_BUILDER_INSTANCE_TYPE;
    this.internetMaxBandwidthOutMbps = props.internetMaxBandwidthOutMbps ?? 100;
    this.commandType = enumMember(`${OWNER} '${props.id ?? 'Image_1'}'`, 'commandType', CommandType, props.commandType ?? CommandType.RUN_SHELL_SCRIPT);
    this.timeoutSeconds = props.timeoutSeconds ?? 10800;
    this.commandContent = props.commandContent;
    const owner = `${OWNER} '${this.id}'`;
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(this.id)) {
      throw new Error(`${OWNER}: id '${this.id}' must start with a letter and contain only letters, digits and '_' (e.g. 'Image_1').`);
    }
    requireNonEmpty(owner, 'regionId', this.regionId);
    requireNonEmpty(owner, 'commandContent', this.commandContent);
    if (!Number.isInteger(this.internetMaxBandwidthOutMbps) || this.internetMaxBandwidthOutMbps < 1 || this.internetMaxBandwidthOutMbps > 100) {
      throw new Error(`${owner}: internetMaxBandwidthOutMbps ${this.internetMaxBandwidthOutMbps} must be an integer from 1 to 100 Mbit/s (the build downloads the model over the internet).`);
    }
    if (!Number.isInteger(this.timeoutSeconds)) {
      throw new Error(`${owner}: timeoutSeconds ${this.timeoutSeconds} must be a whole number of seconds.`);
    }
  }

  /** `${ImageBuilder.<id>.RegionId}`: the build region, as an Artifact property placeholder. */
  public get regionIdRef(): string {
    return `\${ImageBuilder.${this.id}.RegionId}`;
  }

  /** `${ImageBuilder.<id>.SourceImageId}`: the built image, as an Artifact property placeholder. */
  public get imageIdRef(): string {
    return `\${ImageBuilder.${this.id}.SourceImageId}`;
  }

  /** The config.yaml mapping (without the id key). */
  public toConfig(): RawMap {
    return renderWithExtra(`${OWNER} '${this.id}'`, {
      RegionId: this.regionId,
      SourceImageId: this.sourceImageId,
      InstanceType: this.instanceType,
      InternetMaxBandwidthOut: this.internetMaxBandwidthOutMbps,
      CommandType: this.commandType,
      Timeout: this.timeoutSeconds,
      Tags: [...(this.props.tags ?? [])],
      CommandContent: this.commandContent,
    }, this.props.extraProperties);
  }
}
