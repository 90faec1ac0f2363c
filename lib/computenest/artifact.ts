import {
  RawMap, extraOf, mapField, optString, optStringList, renderWithExtra, reqString, requireNonEmpty,
} from './private/config-fields';
import { ArtifactRelationTarget } from './deploy-metadata';
import { ImageBuilder } from './image-builder';

/** Source of an ECS image artifact (config.yaml `ArtifactProperty`). */
export interface EcsImageSource {
  /** Region of the source image, e.g. `${ImageBuilder.Image_1.RegionId}`. */
  readonly regionId: string;
  /** Image ID, e.g. `${ImageBuilder.Image_1.SourceImageId}`. */
  readonly imageId: string;
}

/** Props of {@link Artifact}. */
export interface ArtifactProps {
  /**
   * Key under config.yaml `Artifact`, referenced as `${Artifact.<id>.…}`.
   * @default 'Artifact_1'
   */
  readonly id?: string;
  /** Artifact name, e.g. `qwen-14b-chat-demo`. */
  readonly name: string;
  /**
   * Artifact description.
   * @default - none
   */
  readonly description?: string;
  /** Where the image comes from: an ImageBuilder (its placeholders are used) or an explicit source. */
  readonly source: ImageBuilder | EcsImageSource;
  /** Regions the image is distributed to (SupportRegionIds). */
  readonly supportRegionIds: string[];
  /**
   * Further ArtifactProperty keys passed through verbatim.
   * @default - none
   */
  readonly propertyExtraProperties?: Record<string, unknown>;
  /**
   * Further Artifact keys passed through verbatim (future Compute Nest fields).
   * @default - none
   */
  readonly extraProperties?: Record<string, unknown>;
}

const OWNER = 'Artifact';

/** config.yaml `Artifact.<id>` of type EcsImage: the ECS image the service deploys. */
export class Artifact {
  /** Parses one config.yaml `Artifact.<id>` mapping. */
  public static fromConfig(id: string, raw: RawMap): Artifact {
    const owner = `${OWNER} '${id}'`;
    const type = reqString(owner, raw, 'ArtifactType');
    if (type !== 'EcsImage') throw new Error(`${owner}: ArtifactType '${type}' is not supported; only EcsImage is modelled.`);
    const prop = mapField(owner, raw, 'ArtifactProperty');
    return new Artifact({
      id,
      name: reqString(owner, raw, 'ArtifactName'),
      description: optString(owner, raw, 'Description'),
      source: {
        regionId: reqString(`${owner}: ArtifactProperty`, prop, 'RegionId'),
        imageId: reqString(`${owner}: ArtifactProperty`, prop, 'ImageId'),
      },
      supportRegionIds: optStringList(owner, raw, 'SupportRegionIds') ?? [],
      propertyExtraProperties: extraOf(prop, ['RegionId', 'ImageId']),
      extraProperties: extraOf(raw, ['ArtifactType', 'ArtifactName', 'Description', 'ArtifactProperty', 'SupportRegionIds']),
    });
  }

  /** Key under config.yaml `Artifact`. */
  public readonly id: string;
  /** Artifact type (always `EcsImage`). */
  public readonly artifactType = 'EcsImage';
  /** Source image region (placeholder or literal). */
  public readonly sourceRegionId: string;
  /** Source image ID (placeholder or literal). */
  public readonly sourceImageId: string;
  /** The props this object was built from. */
  public readonly props: ArtifactProps;

  constructor(props: ArtifactProps) {
    this.props = props;
    this.id = props.id ?? 'Artifact_1';
    const owner = `${OWNER} '${this.id}'`;
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(this.id)) {
      throw new Error(`${OWNER}: id '${this.id}' must start with a letter and contain only letters, digits and '_' (e.g. 'Artifact_1').`);
    }
    requireNonEmpty(owner, 'name', props.name);
    if (props.source instanceof ImageBuilder) {
      this.sourceRegionId = props.source.regionIdRef;
      this.sourceImageId = props.source.imageIdRef;
    } else {
      this.sourceRegionId = props.source.regionId;
      this.sourceImageId = props.source.imageId;
    }
    if (props.supportRegionIds.length === 0) {
      throw new Error(`${owner}: supportRegionIds is empty; list the regions the image is distributed to.`);
    }
  }

  /** Regions the image is distributed to. */
  public get supportRegionIds(): string[] {
    return [...this.props.supportRegionIds];
  }

  /** The id of the ImageBuilder this artifact's source refers to, if it refers to one. */
  public get imageBuilderId(): string | undefined {
    const m = /^\$\{ImageBuilder\.([A-Za-z0-9_]+)\./.exec(this.sourceImageId);
    return m ? m[1] : undefined;
  }

  /** The ArtifactRelation target for this artifact: `${Artifact.<id>.ArtifactId}` / `…ArtifactVersion}`. */
  public relation(): ArtifactRelationTarget {
    return {
      artifactId: `\${Artifact.${this.id}.ArtifactId}`,
      artifactVersion: `\${Artifact.${this.id}.ArtifactVersion}`,
    };
  }

  /** The config.yaml mapping (without the id key). */
  public toConfig(): RawMap {
    return renderWithExtra(`${OWNER} '${this.id}'`, {
      ArtifactType: this.artifactType,
      ArtifactName: this.props.name,
      Description: this.props.description,
      ArtifactProperty: renderWithExtra(`${OWNER} '${this.id}'.ArtifactProperty`, {
        RegionId: this.sourceRegionId,
        ImageId: this.sourceImageId,
      }, this.props.propertyExtraProperties),
      SupportRegionIds: this.supportRegionIds,
    }, this.props.extraProperties);
  }
}
