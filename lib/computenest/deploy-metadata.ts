import {
  RawMap, extraOf, isMap, mapEach, mapField, optStringList, renderWithExtra, reqString, requireNonEmpty,
} from './private/config-fields';

/** One ROS template of the service (config.yaml `Service.DeployMetadata.TemplateConfigs[]`). */
export interface TemplateConfig {
  /** Display name of the template, e.g. `模板1`. */
  readonly name: string;
  /** Path of the template inside the service folder, e.g. `templates/template.yaml`. */
  readonly url: string;
  /** Regions the template may be deployed in, e.g. `['ap-southeast-1']`. */
  readonly allowedRegions: string[];
  /**
   * Further TemplateConfigs keys passed through verbatim (future Compute Nest fields).
   * @default - none
   */
  readonly extraProperties?: Record<string, unknown>;
}

/**
 * Target of one ArtifactRelation entry: the artifact placeholders Compute Nest substitutes,
 * e.g. `${Artifact.Artifact_1.ArtifactId}`. Build it with `Artifact.relation()`.
 */
export interface ArtifactRelationTarget {
  /** e.g. `${Artifact.Artifact_1.ArtifactId}`. */
  readonly artifactId: string;
  /** e.g. `${Artifact.Artifact_1.ArtifactVersion}`. */
  readonly artifactVersion: string;
}

/** Props of {@link DeployMetadata}. */
export interface DeployMetadataProps {
  /** The ROS templates of the service. */
  readonly templateConfigs: TemplateConfig[];
  /**
   * SupplierDeployMetadata.ArtifactRelation: template placeholder ImageId -> artifact.
   * @default - no artifact relation
   */
  readonly artifactRelation?: Record<string, ArtifactRelationTarget>;
  /**
   * Further SupplierDeployMetadata keys passed through verbatim.
   * @default - none
   */
  readonly supplierExtraProperties?: Record<string, unknown>;
  /**
   * Further DeployMetadata keys passed through verbatim.
   * @default - none
   */
  readonly extraProperties?: Record<string, unknown>;
}

const OWNER = 'DeployMetadata';

/** config.yaml `Service.DeployMetadata`: the templates and the artifact mapping. */
export class DeployMetadata {
  /** Parses a config.yaml `Service.DeployMetadata` mapping. */
  public static fromConfig(raw: RawMap): DeployMetadata {
    const templates = raw.TemplateConfigs;
    if (!Array.isArray(templates)) {
      throw new Error(`${OWNER}: TemplateConfigs must be a list, got ${JSON.stringify(templates)}.`);
    }
    const templateConfigs = mapEach(`${OWNER}: TemplateConfigs`, templates, (t, owner): TemplateConfig => ({
      name: reqString(owner, t, 'Name'),
      url: reqString(owner, t, 'Url'),
      allowedRegions: optStringList(owner, t, 'AllowedRegions') ?? [],
      extraProperties: extraOf(t, ['Name', 'Url', 'AllowedRegions']),
    }));
    let artifactRelation: Record<string, ArtifactRelationTarget> | undefined;
    let supplierExtraProperties: RawMap | undefined;
    if (raw.SupplierDeployMetadata !== undefined) {
      const supplier = mapField(OWNER, raw, 'SupplierDeployMetadata');
      supplierExtraProperties = extraOf(supplier, ['ArtifactRelation']);
      if (supplier.ArtifactRelation !== undefined) {
        const rel = mapField(`${OWNER}: SupplierDeployMetadata`, supplier, 'ArtifactRelation');
        artifactRelation = {};
        for (const [key, target] of Object.entries(rel)) {
          const owner = `${OWNER}: ArtifactRelation['${key}']`;
          if (!isMap(target)) throw new Error(`${owner} must be a mapping, got ${JSON.stringify(target)}.`);
          artifactRelation[key] = {
            artifactId: reqString(owner, target, 'ArtifactId'),
            artifactVersion: reqString(owner, target, 'ArtifactVersion'),
          };
        }
      }
    }
    return new DeployMetadata({
      templateConfigs,
      artifactRelation,
      supplierExtraProperties,
      extraProperties: extraOf(raw, ['SupplierDeployMetadata', 'TemplateConfigs']),
    });
  }

  /** The props this object was built from. */
  public readonly props: DeployMetadataProps;

  constructor(props: DeployMetadataProps) {
    if (props.templateConfigs.length === 0) {
      throw new Error(`${OWNER}: templateConfigs is empty; give at least one { name, url, allowedRegions }.`);
    }
    const urls = new Set<string>();
    props.templateConfigs.forEach((t, i) => {
      requireNonEmpty(OWNER, `templateConfigs[${i}].name`, t.name);
      requireNonEmpty(OWNER, `templateConfigs[${i}].url`, t.url);
      if (t.url.startsWith('/') || t.url.split('/').includes('..')) {
        throw new Error(`${OWNER}: templateConfigs[${i}].url '${t.url}' must be a relative path inside the service folder (no leading '/', no '..').`);
      }
      if (urls.has(t.url)) throw new Error(`${OWNER}: templateConfigs[${i}].url '${t.url}' is used twice; each template needs its own path.`);
      urls.add(t.url);
      if (t.allowedRegions.length === 0) {
        throw new Error(`${OWNER}: templateConfigs[${i}].allowedRegions is empty; list the regions the template may be deployed in.`);
      }
    });
    this.props = props;
  }

  /** The config.yaml mapping. */
  public toConfig(): RawMap {
    const relation = this.props.artifactRelation;
    const supplier = relation === undefined && this.props.supplierExtraProperties === undefined
      ? undefined
      : renderWithExtra(`${OWNER}.SupplierDeployMetadata`, {
        ArtifactRelation: relation === undefined ? undefined : Object.fromEntries(
          Object.entries(relation).map(([k, v]) => [k, { ArtifactId: v.artifactId, ArtifactVersion: v.artifactVersion }]),
        ),
      }, this.props.supplierExtraProperties);
    return renderWithExtra(OWNER, {
      SupplierDeployMetadata: supplier,
      TemplateConfigs: this.props.templateConfigs.map((t, i) => renderWithExtra(`${OWNER}.TemplateConfigs[${i}]`, {
        Name: t.name,
        Url: t.url,
        AllowedRegions: [...t.allowedRegions],
      }, t.extraProperties)),
    }, this.props.extraProperties);
  }
}
