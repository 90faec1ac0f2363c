import {
  RawMap, enumMember, extraOf, mapEach, mapField, optString, renderWithExtra, reqString, requireNonEmpty,
} from './private/config-fields';
import { DeployMetadata } from './deploy-metadata';
import { ApprovalType, DeployType, ServiceType, ShareType } from './service-types';

/** Service information for one locale (config.yaml `Service.ServiceInfo`). */
export interface ServiceInfo {
  /** Locale, e.g. `zh-CN` or `en-US`. */
  readonly locale: string;
  /** Service name shown in the console. */
  readonly name: string;
  /** One-line description. */
  readonly shortDescription: string;
  /**
   * Icon path inside the service folder, e.g. `icons/service_logo.png`.
   * @default - no icon
   */
  readonly image?: string;
  /**
   * Further ServiceInfo keys passed through verbatim (e.g. `Agreements`, `Softwares`).
   * @default - none
   */
  readonly extraProperties?: Record<string, unknown>;
}

/** Props of {@link Service}. */
export interface ServiceProps {
  /**
   * Region the service is created in.
   * @default 'cn-hangzhou'
   */
  readonly regionId?: string;
  /**
   * Deploy type.
   * @default DeployType.ROS
   */
  readonly deployType?: DeployType;
  /**
   * Service type: deployed in the customer's account (private) or managed.
   * @default ServiceType.PRIVATE
   */
  readonly serviceType?: ServiceType;
  /**
   * Share type.
   * @default ShareType.PUBLIC
   */
  readonly shareType?: ShareType;
  /**
   * Approval type for service instance requests.
   * @default ApprovalType.MANUAL
   */
  readonly approvalType?: ApprovalType;
  /**
   * ServiceInstanceNameRule.Prefix: prefix of service instance names.
   * @default - no name rule
   */
  readonly instanceNamePrefix?: string;
  /** Service information, one entry per locale (at least one). */
  readonly serviceInfo: ServiceInfo[];
  /** Templates and artifact mapping. */
  readonly deployMetadata: DeployMetadata;
  /**
   * Further `Service` keys passed through verbatim (future Compute Nest fields).
   * @default - none
   */
  readonly extraProperties?: Record<string, unknown>;
}

const OWNER = 'Service';
const INFO_KEYS = ['Locale', 'ShortDescription', 'Image', 'Name'];
const SERVICE_KEYS = ['RegionId', 'DeployType', 'ServiceInstanceNameRule', 'DeployMetadata', 'ServiceType',
  'ServiceInfo', 'ShareType', 'ApprovalType'];

/** config.yaml `Service`: the Compute Nest service definition. */
export class Service {
  /** Parses a config.yaml `Service` mapping. */
  public static fromConfig(raw: RawMap): Service {
    const infos = Array.isArray(raw.ServiceInfo) ? raw.ServiceInfo : [raw.ServiceInfo];
    const serviceInfo = mapEach(`${OWNER}: ServiceInfo`, infos, (info, owner): ServiceInfo => ({
      locale: reqString(owner, info, 'Locale'),
      name: reqString(owner, info, 'Name'),
      shortDescription: reqString(owner, info, 'ShortDescription'),
      image: optString(owner, info, 'Image'),
      extraProperties: extraOf(info, INFO_KEYS),
    }));
    let instanceNamePrefix: string | undefined;
    if (raw.ServiceInstanceNameRule !== undefined) {
      const rule = mapField(OWNER, raw, 'ServiceInstanceNameRule');
      instanceNamePrefix = reqString(`${OWNER}: ServiceInstanceNameRule`, rule, 'Prefix');
    }
    const optional = <T>(key: string, parse: (value: string) => T): T | undefined => {
      const value = optString(OWNER, raw, key);
      return value === undefined ? undefined : parse(value);
    };
    return new Service({
      regionId: optString(OWNER, raw, 'RegionId'),
      deployType: optional('DeployType', (v) => enumMember(OWNER, 'DeployType', DeployType, v)),
      serviceType: optional('ServiceType', (v) => enumMember(OWNER, 'ServiceType', ServiceType, v)),
      shareType: optional('ShareType', ShareType.of),
      approvalType: optional('ApprovalType', ApprovalType.of),
      instanceNamePrefix,
      serviceInfo,
      deployMetadata: DeployMetadata.fromConfig(mapField(OWNER, raw, 'DeployMetadata')),
      extraProperties: extraOf(raw, SERVICE_KEYS),
    });
  }

  /** Region the service is created in. */
  public readonly regionId: string;
  /** Deploy type. */
  public readonly deployType: DeployType;
  /** Service type. */
  public readonly serviceType: ServiceType;
  /** Share type. */
  public readonly shareType: ShareType;
  /** Approval type. */
  public readonly approvalType: ApprovalType;
  /** The props this object was built from. */
  public readonly props: ServiceProps;

  constructor(props: ServiceProps) {
    this.props = props;
    this.regionId = props.regionId ?? 'cn-hangzhou';
    this.deployType = enumMember(OWNER, 'deployType', DeployType, props.deployType ?? DeployType.ROS);
    this.serviceType = enumMember(OWNER, 'serviceType', ServiceType, props.serviceType ?? ServiceType.PRIVATE);
    this.shareType = props.shareType ?? ShareType.PUBLIC;
    this.approvalType = props.approvalType ?? ApprovalType.MANUAL;
    if (props.serviceInfo.length === 0) {
      throw new Error(`${OWNER}: serviceInfo is empty; give at least one { locale, name, shortDescription }.`);
    }
    const locales = new Set<string>();
    props.serviceInfo.forEach((info, i) => {
      requireNonEmpty(OWNER, `serviceInfo[${i}].name`, info.name);
      if (locales.has(info.locale)) {
        throw new Error(`${OWNER}: serviceInfo[${i}].locale '${info.locale}' appears twice; give one entry per locale.`);
      }
      locales.add(info.locale);
    });
    if (props.instanceNamePrefix !== undefined) requireNonEmpty(OWNER, 'instanceNamePrefix', props.instanceNamePrefix);
  }

  /** The service's deploy metadata. */
  public get deployMetadata(): DeployMetadata {
    return this.props.deployMetadata;
  }

  /** The config.yaml mapping (ServiceInfo is a mapping for one locale, a list for several). */
  public toConfig(): RawMap {
    const infos = this.props.serviceInfo.map((info, i) => renderWithExtra(`${OWNER}.ServiceInfo[${i}]`, {
      Locale: info.locale,
      ShortDescription: info.shortDescription,
      Image: info.image,
      Name: info.name,
    }, info.extraProperties));
    return renderWithExtra(OWNER, {
      RegionId: this.regionId,
      DeployType: this.deployType,
      ServiceInstanceNameRule: this.props.instanceNamePrefix === undefined ? undefined : { Prefix: this.props.instanceNamePrefix },
      DeployMetadata: this.props.deployMetadata.toConfig(),
      ServiceType: this.serviceType,
      ServiceInfo: infos.length === 1 ? infos[0] : infos,
      ShareType: this.shareType.value,
      ApprovalType: this.approvalType.value,
    }, this.props.extraProperties);
  }
}
